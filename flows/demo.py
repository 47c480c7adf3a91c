"""`make demo`: run the pipeline on the bundled sample articles with the embedded defaults.

A temporary Prefect server is started for the run and the DuckDB file is written under
data/. The summary printed at the end says where the database and the report are.
"""

from __future__ import annotations

import os

from opwatch.settings import PROJECT_ROOT

os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


def main() -> None:
    from flows.pipeline import pipeline
    from opwatch.cli import print_summary

    samples = PROJECT_ROOT / "examples" / "articles"
    summary = pipeline(sources=[str(samples)])
    print_summary(summary)


if __name__ == "__main__":
    main()
