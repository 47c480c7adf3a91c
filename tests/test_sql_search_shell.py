"""`opwatch sql`, `opwatch search` and `opwatch shell` on a small hand-built warehouse."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import factories as F
import pytest
from typer.testing import CliRunner

from opwatch.flows.cli import app
from opwatch.warehouse import db
from opwatch.warehouse.search import SearchUnavailable, rebuild_index, search, snippet
from opwatch.warehouse.shell import ShellUnavailable, shell_command

EXAMPLES_SQL = Path(db.__file__).parent / "queries" / "examples.sql"
MARKUP = "Police named the site [redacted] :police_car: [/b] [bold]x[/bold]. They saved 7 kids."


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("wh") / "opwatch.duckdb"
    con = db.connect(path)
    db.migrate(con)
    a, ents_a, figs_a = F.batch_a()
    b, ents_b, figs_b = F.batch_b()
    c = F.article(MARKUP, source="examples/c.txt", published=None, title="")
    fig_c = F.figure(c, "7", "victims_rescued", 7.0)
    info = db.RunInfo(F.RUN_ID, datetime(2024, 6, 1, 12, tzinfo=UTC), n_sources=3)
    figs = [*figs_a, *figs_b, fig_c]
    db.load_batch(con, F.RUN_ID, [a, b, c], [*ents_a, *ents_b], figs, [], info)
    rebuild_index(con)
    con.close()
    return path


def _sql(warehouse: Path, *args: str):
    return CliRunner().invoke(app, ["sql", "--db", str(warehouse), *args])


def test_cells_print_literally(warehouse: Path) -> None:
    result = _sql(warehouse, "SELECT text FROM articles WHERE source = 'examples/c.txt'")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())  # the table may wrap long cells
    assert "[redacted] :police_car: [/b] [bold]x[/bold]" in flat
    assert "🚓" not in result.output


def test_csv_types_and_null_versus_empty(warehouse: Path) -> None:
    query = ("SELECT title, published, decode_errors, n_chars, author FROM articles "
             "ORDER BY source")  # fmt: skip
    result = _sql(warehouse, query, "--csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "title,published,decode_errors,n_chars,author"
    assert lines[1] == f"Operation Rescue,2011-03-16,false,{len(F.TEXT_A)},"  # author NULL
    assert lines[3] == f'"",,false,{len(MARKUP)},'  # empty title, NULL date
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[3][0] == "" and rows[3][1] == ""


def test_json_line_and_limit(warehouse: Path) -> None:
    query = "SELECT role, count(*) AS n, max(value) AS top FROM figures GROUP BY role ORDER BY role"
    rows = json.loads(_sql(warehouse, query, "--json").output)
    assert {"role": "arrests", "n": 3, "top": 184} in rows  # counts and whole values as ints
    line = _sql(warehouse, query, "--line", "--limit", "1")
    assert line.exit_code == 0
    assert "role = arrests" in line.output and " n = 3" in line.output
    assert "countries_involved" not in line.output  # cut by --limit
    assert "--limit" in line.output  # the note (stderr is mixed into output here)


def test_examples_file_runs(warehouse: Path) -> None:
    result = _sql(warehouse, "-f", str(EXAMPLES_SQL), "--line")
    assert result.exit_code == 0, result.output
    assert result.output.count("-- [") == 5
    assert "They saved [[7]] kids." in result.output  # the marked number survives


def test_write_statements_refused(warehouse: Path, tmp_path: Path) -> None:
    script = tmp_path / "bad.sql"
    script.write_text("SELECT 1;\nDELETE FROM articles;\n")
    result = _sql(warehouse, "-f", str(script))
    assert result.exit_code == 2 and "statement 2" in result.output and "DELETE" in result.output
    both = _sql(warehouse, "SELECT 1", "--csv", "--json")
    assert both.exit_code == 2


def test_search_ranks_filters_and_snippets(warehouse: Path) -> None:
    hits = search(warehouse, "terabytes seized")
    assert [h.title for h in hits] == ["Operation Rescue"] and hits[0].outlet == "ceop.example"
    assert any(hits[0].snippet[s:e].lower() == "terabytes" for s, e in hits[0].marks)
    assert len(search(warehouse, "arrested")) == 2  # stemmed: arrests, arrested
    assert search(warehouse, "arrested", country="GB")[0].published == date(2011, 3, 16)
    assert search(warehouse, "arrested", country="United Kingdom")
    assert not search(warehouse, "arrested", operation="Nothing")
    assert len(search(warehouse, "arrested", since=date(2011, 3, 17))) == 1
    out = CliRunner().invoke(app, ["search", "--db", str(warehouse), "terabytes", "--json"])
    assert json.loads(out.output)[0]["published"] == "2011-03-17"


def test_search_without_index_says_how(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = db.connect(path)
    db.migrate(con)
    con.close()
    with pytest.raises(SearchUnavailable, match="--reindex"):
        search(path, "anything")


def test_snippet_window_and_marks() -> None:
    text = "Intro words. " * 30 + "Officers arrested nine people."
    cut, marks = snippet(text, "arrest", width=60)
    assert cut.startswith("…") and "arrested" in cut
    assert [cut[s:e] for s, e in marks] == ["arrested"]


def test_shell_read_only(warehouse: Path) -> None:
    try:
        argv = shell_command(warehouse, "SELECT 1")
    except ShellUnavailable as exc:
        pytest.skip(f"no matching duckdb CLI: {exc}")
    assert "-readonly" in argv and str(warehouse) in argv
    ok = CliRunner().invoke(app, ["shell", "--db", str(warehouse), "-c", "SELECT 1"])
    assert ok.exit_code == 0
    import subprocess

    refused = subprocess.run(shell_command(warehouse, "DELETE FROM articles"),
                             capture_output=True, text=True)  # fmt: skip
    assert refused.returncode != 0 and "read-only" in refused.stdout + refused.stderr
    count = subprocess.run(shell_command(warehouse, "SELECT count(*) FROM articles"),
                           capture_output=True, text=True)  # fmt: skip
    assert " 3 " in count.stdout


def test_dossier_command(warehouse: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["dossier", "--db", str(warehouse), "--out", str(tmp_path)]
    ok = runner.invoke(app, [*args, "Operation Rescue"])
    assert ok.exit_code == 0, ok.output
    page = Path(ok.output.strip()).read_text(encoding="utf-8")
    assert "sources disagree" in page and '<mark class="span">180</mark>' in page
    missing = runner.invoke(app, [*args, "Operation Nowhere"])
    assert missing.exit_code == 2 and "No operation called" in missing.output
