"""DuckDB warehouse: raw-table migrations, layer views (staging, intermediate, marts), SQL
data tests, the loader and read-only queries."""
