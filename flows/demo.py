"""`make demo`: run the pipeline on the bundled sample articles with the embedded defaults.

A temporary Prefect server is started for the run and the DuckDB file is written under
data/. It ends with the run summary and the paths of the run report, the runs index and
one operation dossier.
"""

from __future__ import annotations

from pathlib import Path

from opwatch.runtime import quiet_environment
from opwatch.settings import SOURCE_ROOT

quiet_environment()  # before Prefect is imported: no telemetry, state under .prefect/


def main() -> None:
    from opwatch.flows.cli import print_summary
    from opwatch.flows.pipeline import configured_pipeline
    from opwatch.settings import load_settings

    if SOURCE_ROOT is None:
        raise SystemExit("make demo runs from a source checkout: its examples/ are not installed")
    samples = SOURCE_ROOT / "examples" / "articles"
    summary = configured_pipeline(load_settings())(sources=[str(samples)])
    print_summary(summary)
    # the three pages to open (offline, self-contained)
    print(f"Run report:  {summary['report']}")
    print(f"Runs index:  {summary['runs_index']}")
    dossier = summary["example_dossier"] or next(
        iter(sorted(Path(summary["dossiers_dir"]).glob("*.html"))), "(no operation named yet)"
    )  # a re-run that skips every article writes no new dossier
    print(f"Dossier:     {dossier}")


if __name__ == "__main__":
    main()
