"""The `opwatch` command line: run the pipeline, predict, evaluate, query and export."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from opwatch.runtime import quiet_environment
from opwatch.settings import Settings, SettingsError, load_settings

# Prefect reads its settings when first imported: keep its state inside the project,
# and switch off every telemetry and update check before anything imports it.
quiet_environment()

import typer  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # noqa: E402
from rich.table import Table  # noqa: E402

app = typer.Typer(
    help="opwatch: turn articles about operations against online child sexual exploitation "
    "into DuckDB tables of entities and figures, each with its evidence.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

DbOption = typer.Option(None, "--db", help="DuckDB file (default: data/opwatch.duckdb).")


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[current]}"),
        console=err,
        transient=False,
    )


@app.command()
def run(
    sources: list[str] = typer.Argument(
        ..., help="Files, directories, globs, http(s) page URLs or RSS/Atom feed URLs."
    ),
    force: bool = typer.Option(False, "--force", help="Re-extract content already loaded."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching loopback/private addresses."
    ),
    db: Path | None = DbOption,
    reports: Path | None = typer.Option(None, "--reports", help="Folder for reports."),
    dask: bool = typer.Option(
        False, "--dask", help="Run the tasks on a local Dask cluster (OPWATCH_DASK_WORKERS)."
    ),
    dask_address: str | None = typer.Option(
        None, "--dask-address", help="Use the Dask scheduler at tcp://HOST:PORT."
    ),
) -> None:
    """Run the whole pipeline (a Prefect flow) and load what passes validation.
    Content already loaded (same hash of the cleaned text) is skipped unless --force.

    Exits 1 when every source failed or more rows were quarantined than
    OPWATCH_MAX_QUARANTINED, 2 on a setting, model or warehouse error, 130 when stopped.
    """
    # validated before Prefect or any model is imported
    settings = _settings(dask=dask or None, dask_address=dask_address)
    from opwatch.runtime import stop_on_signals
    from opwatch.tasks.sources import transportable

    arguments = {
        "sources": [transportable(source) for source in sources],
        "force": force,
        "allow_private": allow_private,
        "db_path": str(db) if db else None,
        "reports_dir": str(reports) if reports else None,
    }
    with stop_on_signals():
        print_summary(_run_with_server(settings, arguments))


def _run_with_server(settings: Settings, arguments: dict) -> dict:
    """Start the run's Prefect server first (it imports itself while this process imports
    the pipeline), unless PREFECT_API_URL names one; Dask workers report to it too."""
    from opwatch.flows.prefect_server import PrefectServerError, run_api

    if settings.uses_dask and not os.environ.get("PREFECT_API_URL"):
        err.print(
            "Dask needs a real Prefect server (each worker would otherwise start a "
            "temporary one of its own), and PREFECT_API_URL is not set: starting one on "
            "127.0.0.1 for this run. Set PREFECT_API_URL to use yours; workers on other "
            "machines need it."
        )
    log = settings.data_dir / "prefect-server.log"
    try:
        with run_api(log) as server:
            return _run_pipeline(settings, arguments, server)
    except PrefectServerError as error:
        err.print(f"[red]error:[/red] {error}; see {log}, or set PREFECT_API_URL.")
        raise typer.Exit(2) from None


def _run_pipeline(settings: Settings, arguments: dict, server: Any) -> dict:
    """The flow run; exit 1 when the run failed, 2 on a model, warehouse or Dask error."""
    from opwatch.errors import RunFailed
    from opwatch.flows.pipeline import configured_pipeline
    from opwatch.flows.prefect_server import prefect_api
    from opwatch.flows.runners import DaskUnavailableError
    from opwatch.models.ner.tagger import NerModelError
    from opwatch.warehouse.db import WarehouseError

    try:
        pipeline = configured_pipeline(settings)
        with err.status("Running the opwatch pipeline (Prefect flow)..."):
            api_url = server.wait()
            if getattr(server, "log_file", None):
                err.print(f"Prefect server for this run: {api_url} (log: {server.log_file})")
            with prefect_api(api_url):
                return pipeline(**arguments)
    except RunFailed as failed:
        if failed.summary:
            print_summary(failed.summary)
        for problem in failed.problems:
            err.print(f"[red]run failed:[/red] {problem}")
        raise typer.Exit(1) from None
    except (NerModelError, WarehouseError, SettingsError, DaskUnavailableError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def _settings(**overrides: object) -> Settings:
    """The validated settings, or a clear message and exit status 2."""
    try:
        return load_settings(**overrides)
    except SettingsError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def print_summary(summary: dict) -> None:
    table = Table(title=f"opwatch run {summary.get('run_id', '')}", show_header=False)
    table.add_column("what", no_wrap=True)
    table.add_column("value", overflow="fold")  # paths are shown whole
    for key, value in summary.items():
        table.add_row(key.replace("_", " "), str(value))
    console.print(table)


@app.command()
def predict(
    directory: Path = typer.Argument(..., metavar="DIR", help="Folder of .txt/.html articles."),
    out: Path = typer.Option(
        ..., "--out", metavar="FILE.jsonl", help="JSONL file to write (gold format)."
    ),
) -> None:
    """Clean + extract every article in DIR (no database); write one gold-format line each."""
    from opwatch.tasks.predict import article_files, predict_dir, write_jsonl

    settings = _settings()
    files = _checked_files(directory, article_files)
    with _progress() as progress:
        bar = progress.add_task("predict", total=len(files), current="")
        records = predict_dir(directory, settings, _advance(progress, bar))
    write_jsonl(records, out)
    console.print(f"Wrote {len(records)} records to {out}")


def _checked_files(directory: Path, lister) -> list[Path]:  # noqa: ANN001
    try:
        return lister(directory)
    except FileNotFoundError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error


def _advance(progress: Progress, bar):  # noqa: ANN001, ANN202
    def on_file(path: Path, error: str | None) -> None:
        if error:
            err.print(f"[yellow]{path.name}[/yellow]: {error}")
        progress.update(bar, advance=1, current=path.name)

    return on_file


@app.command("eval")
def eval_command(
    gold: Path = typer.Option(
        ..., "--gold", metavar="GOLD.jsonl", help="Gold JSONL (see GOLD_FORMAT.md)."
    ),
    docs: Path = typer.Option(
        ..., "--docs", metavar="DIR", help="Folder holding the gold's articles."
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List misses and false hits."),
) -> None:
    """Predict on --docs and score against --gold: P/R/F1 per field, micro-averaged."""
    from opwatch.tasks.predict import article_files, evaluate

    if not gold.is_file():
        err.print(f"[red]error:[/red] gold file not found: {gold}")
        raise typer.Exit(2)
    files = _checked_files(docs, article_files)
    settings = _settings()
    with _progress() as progress:
        bar = progress.add_task("eval", total=len(files), current="")
        scores, _ = evaluate(gold, docs, settings, _advance(progress, bar))
    table = Table(title=f"opwatch eval: {gold}")
    for column in ("field", "P", "R", "F1", "TP", "FP", "FN"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for name, s in scores.items():
        table.add_row(
            name,
            f"{s.precision:.3f}",
            f"{s.recall:.3f}",
            f"{s.f1:.3f}",
            str(s.tp),
            str(s.fp),
            str(s.fn),
        )
    console.print(table)
    if verbose:
        for name, s in scores.items():
            for doc, kind, item in s.misses:
                console.print(f"{name:10} {kind} {doc}: {item}")


def _query_errors() -> tuple[type[Exception], ...]:
    import duckdb

    from opwatch.warehouse.db import WarehouseError
    from opwatch.warehouse.query import ReadOnlyQueryError

    return (ReadOnlyQueryError, WarehouseError, duckdb.Error)


@app.command()
def sql(
    query: str | None = typer.Argument(None, help="A read-only SQL statement."),
    file: Path | None = typer.Option(None, "-f", "--file", help="A file of read statements."),
    db: Path | None = DbOption,
    csv: bool = typer.Option(False, "--csv", help="CSV (ISO dates, true/false, NULL empty)."),
    as_json: bool = typer.Option(False, "--json", help="A JSON array of objects per statement."),
    line: bool = typer.Option(False, "--line", help="One 'column = value' line per cell."),
    limit: int | None = typer.Option(None, "--limit", min=0, help="At most N rows each."),
) -> None:
    """Run read-only SQL on the published read snapshot; print plain text (never markup)."""
    from opwatch.warehouse.sql_cli import (
        print_results,
        read_sql_file,
        read_statements,
        run_statements,
    )

    if (query is None) == (file is None) or csv + as_json + line > 1:
        err.print("error: give a QUERY or -f FILE, and at most one of --csv, --json, --line")
        raise typer.Exit(2)
    path = db or _settings().database
    try:
        statements = read_sql_file(file) if file else read_statements(query)
        results = run_statements(path, statements, limit)
    except (*_query_errors(), ValueError) as error:
        err.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    mode = "csv" if csv else "json" if as_json else "line" if line else "table"
    print_results(results, mode, console, err)


@app.command()
def search(
    query: str | None = typer.Argument(None, help="Words to look for (BM25 over title and text)."),
    operation: str | None = typer.Option(None, "--operation", help="Only articles naming it."),
    country: str | None = typer.Option(None, "--country", help="ISO2 code or country name."),
    since: datetime | None = typer.Option(None, "--since", formats=["%Y-%m-%d"]),
    until: datetime | None = typer.Option(None, "--until", formats=["%Y-%m-%d"]),
    limit: int = typer.Option(10, "--limit", min=1),
    as_json: bool = typer.Option(False, "--json", help="Print the hits as JSON."),
    reindex: bool = typer.Option(False, "--reindex", help="Rebuild the index first."),
    db: Path | None = DbOption,
) -> None:
    """Rank articles for QUERY with DuckDB full-text search; show snippets."""
    from opwatch.warehouse.search_cli import run_search

    path = db or _settings().database
    code = run_search(
        path, query, operation, country, since, until, limit, as_json, reindex, console, err
    )
    if code:
        raise typer.Exit(code)


@app.command()
def shell(
    command: str | None = typer.Option(None, "-c", "--command", help="Run one SQL and exit."),
    db: Path | None = DbOption,
) -> None:
    """Open the DuckDB CLI read-only on the warehouse (full-text search loaded)."""
    from opwatch.warehouse.shell import ShellUnavailable, run_shell

    try:
        code = run_shell(db or _settings().database, command)
    except (*_query_errors(), ShellUnavailable) as error:
        err.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    if code:
        raise typer.Exit(code)


@app.command()
def dossier(
    operation: str = typer.Argument(..., help='The operation, e.g. "Operation Rescue".'),
    out: Path | None = typer.Option(None, "--out", help="Folder (default: reports/dossiers)."),
    db: Path | None = DbOption,
) -> None:
    """Write a self-contained HTML dossier of one operation and print its path."""
    from opwatch.warehouse.reports.build import write_operation_dossier
    from opwatch.warehouse.reports.dossier import DossierError

    settings = load_settings()
    try:
        path = write_operation_dossier(db or settings.database, operation, out, settings)
    except (*_query_errors(), DossierError) as error:
        err.print(f"error: {error}", markup=False)
        raise typer.Exit(2) from error
    console.print(str(path), markup=False, soft_wrap=True)


@app.command()
def export(
    parquet: Path = typer.Option(
        ..., "--parquet", metavar="DIR", help="Folder for one Parquet file per table."
    ),
    db: Path | None = DbOption,
    views: bool = typer.Option(False, "--views", help="Also export the analyst views."),
) -> None:
    """Write every table of the warehouse as Parquet."""
    from opwatch.warehouse.query import export_parquet

    path = db or _settings().database
    try:
        written = export_parquet(path, parquet, views=views)
    except _query_errors() as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from error
    for file in written:
        console.print(str(file))


if __name__ == "__main__":
    app()
