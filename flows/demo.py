"""`make demo`: run the pipeline on the bundled sample articles with the embedded defaults.

A temporary Prefect server is started for the run and the DuckDB file is written under
data/. The summary printed at the end says where the database and the report are.
"""

from __future__ import annotations

from opwatch.runtime import quiet_environment
from opwatch.settings import PROJECT_ROOT

quiet_environment()  # before Prefect is imported: no telemetry, state under .prefect/


def main() -> None:
    from flows.pipeline import configured_pipeline
    from opwatch.cli import print_summary
    from opwatch.settings import load_settings

    samples = PROJECT_ROOT / "examples" / "articles"
    summary = configured_pipeline(load_settings())(sources=[str(samples)])
    print_summary(summary)


if __name__ == "__main__":
    main()
