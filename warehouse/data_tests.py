"""SQL data tests, run after each load: unique keys, not-null columns, relationships and
accepted values, as dbt's data tests.

Each test is one file in warehouse/sql_tests/ whose SELECT returns the failing rows (none:
it passes). Its first line says what it checks, `-- relation[.column]: description`, and
`{{ name }}` stands for one of the ACCEPTED value lists below as a SQL list, so the
allowed roles, qualifiers and kinds are written once (opwatch.records). A test that
cannot run is reported as an error, never as a pass. Results become failing or passing
checks in the run report and the run summary, beside the GX expectations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from opwatch.records import CONTENT_KINDS, ENTITY_KINDS, FIGURE_ROLES, QUALIFIERS, SOURCE_KINDS

SQL_TESTS_DIR = Path(__file__).resolve().parent / "sql_tests"
DATA_TESTS_FAILED = "data_tests_failed"  # runs.status of a load whose data tests failed
# "running": a run loaded in batches, until its last batch is loaded
RUN_STATUSES = ("ok", "quarantined", "failed", "running", DATA_TESTS_FAILED)
QUARANTINE_TABLES = ("articles", "entities", "figures", "documents")  # opwatch.expectations.runner
ACCEPTED: dict[str, tuple[str, ...]] = {
    "figure_roles": FIGURE_ROLES,
    "qualifiers": QUALIFIERS,
    "entity_kinds": ENTITY_KINDS,
    "source_kinds": SOURCE_KINDS,
    "content_kinds": CONTENT_KINDS,
    "run_statuses": RUN_STATUSES,
    "quarantine_tables": QUARANTINE_TABLES,
}
EXAMPLES = 5  # failing rows kept per test
_HEADER = re.compile(r"^--\s*(\w+)(?:\.(\w+))?:\s*(\S.*)$")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


class DataTestError(ValueError):
    """A data test file is malformed (header, placeholder)."""


@dataclass(frozen=True)
class DataTest:
    name: str  # file stem: unique_..., not_null_..., relationships_..., accepted_values_...
    relation: str  # the table or view it checks
    column: str | None
    description: str
    sql: str  # placeholders filled in


@dataclass
class DataTestResult:
    name: str
    relation: str
    column: str | None
    description: str
    evaluated: int  # rows in the relation
    failing: int  # rows the test returned
    examples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None  # set when the test could not run

    @property
    def success(self) -> bool:
        return self.error is None and self.failing == 0


def _sql_list(values: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _fill(path: Path, sql: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in ACCEPTED:
            raise DataTestError(f"{path.name}: unknown list {{{{ {name} }}}}; use {list(ACCEPTED)}")
        return _sql_list(ACCEPTED[name])

    return _PLACEHOLDER.sub(one, sql)


def list_data_tests(directory: Path = SQL_TESTS_DIR) -> list[DataTest]:
    tests = []
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text(encoding="utf-8")
        header = _HEADER.match(text.splitlines()[0] if text else "")
        if not header:
            raise DataTestError(
                f"{path.name}: the first line must be '-- relation[.column]: what it checks'."
            )
        relation, column, description = header.groups()
        tests.append(DataTest(path.stem, relation, column, description, _fill(path, text)))
    return tests


def run_data_tests(
    con: duckdb.DuckDBPyConnection, directory: Path = SQL_TESTS_DIR
) -> list[DataTestResult]:
    """Run every data test on the warehouse (read-only statements)."""
    results = []
    for test in list_data_tests(directory):
        result = DataTestResult(test.name, test.relation, test.column, test.description, 0, 0)
        try:
            count = con.execute(f'SELECT count(*) FROM "{test.relation}"').fetchone()
            result.evaluated = int(count[0]) if count else 0
            cur = con.execute(f"SELECT * FROM ({test.sql.rstrip().rstrip(';')}) AS failing")
            names = [d[0] for d in cur.description or []]
            rows = cur.fetchall()
        except duckdb.Error as exc:
            result.error = str(exc).splitlines()[0]
        else:
            result.failing = len(rows)
            result.examples = [dict(zip(names, r, strict=True)) for r in rows[:EXAMPLES]]
        results.append(result)
    return results


def failed(results: list[DataTestResult]) -> list[DataTestResult]:
    return [r for r in results if not r.success]


def mark_run(con: duckdb.DuckDBPyConnection, run_id: str, results: list[DataTestResult]) -> None:
    """Set the run's status to data_tests_failed when any data test failed."""
    if failed(results):
        con.execute("UPDATE runs SET status = ? WHERE run_id = ?", [DATA_TESTS_FAILED, run_id])


def describe(result: DataTestResult) -> str:
    """One line for logs: what failed and the first failing row."""
    if result.error:
        return f"data test {result.name} could not run: {result.error}"
    first = f"; first: {result.examples[0]}" if result.examples else ""
    return f"data test {result.name} failed on {result.failing} rows ({result.description}){first}"
