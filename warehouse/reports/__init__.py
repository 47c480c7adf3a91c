"""Self-contained HTML pages for people: the run report, the runs index, operation dossiers.

Plain functions over DuckDB and the validation outcome; nothing here imports Prefect, and
no page references anything outside itself (inline CSS and SVG, no scripts, no URLs
except links to the articles' own pages).
"""
