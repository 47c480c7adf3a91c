"""The README's CLI and settings tables are generated from the code and must be current."""

from __future__ import annotations

import subprocess
import sys

import pytest

from opwatch.flows import docs
from opwatch.settings import Settings
from tests.conftest import REPO

README = REPO / "README.md"


def test_readme_generated_blocks_are_current() -> None:
    text = README.read_text(encoding="utf-8")
    specs = [m["spec"] for m in docs.BLOCK.finditer(text)]
    assert "cli" in specs and "settings" in specs, "README lost its generated-table markers"
    stale = docs.stale_blocks(text)
    assert not stale, f"README tables are stale ({', '.join(stale)}): run `make docs`"


def test_every_setting_and_command_is_documented() -> None:
    settings_rows = docs.settings_table()
    for name in Settings.model_fields:
        assert f"| `OPWATCH_{name.upper()}` |" in settings_rows
    cli_rows = docs.cli_table()
    for command in ("run", "predict", "eval", "sql", "search", "shell", "dossier", "export"):
        assert f"| `opwatch {command}" in cli_rows
    assert "`opwatch predict DIR --out FILE.jsonl`" in cli_rows
    assert "`--allow-private`" in cli_rows


def test_a_hand_edit_inside_a_block_is_found_and_rewritten() -> None:
    fresh = docs.render(README.read_text(encoding="utf-8"))
    edited = fresh.replace("| `OPWATCH_MAX_BYTES` | `5000000` |", "| `OPWATCH_MAX_BYTES` | `9` |")
    assert edited != fresh
    assert docs.stale_blocks(edited) == ["settings"]
    assert docs.render(edited) == fresh


def test_prose_outside_the_markers_is_kept() -> None:
    text = (
        "intro words\n<!-- BEGIN generated: settings max_bytes fetch_timeout -->\nold\n"
        "<!-- END generated -->\noutro | words\n"
    )
    out = docs.render(text)
    assert out.startswith("intro words\n<!-- BEGIN generated: settings max_bytes fetch_timeout")
    assert out.endswith("<!-- END generated -->\noutro | words\n")
    body = out.split("-->\n", 1)[1]
    assert body.index("OPWATCH_MAX_BYTES") < body.index("OPWATCH_FETCH_TIMEOUT")
    assert "| `OPWATCH_FETCH_TIMEOUT` | `20` | seconds per HTTP request |" in body
    assert "OPWATCH_DASK" not in body


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- BEGIN generated: settings no_such_field -->\n<!-- END generated -->", "no_such"),
        ("<!-- BEGIN generated: tables -->\n<!-- END generated -->", "unknown generated"),
        ("<!-- BEGIN generated: cli -->\nno end marker\n", "no END"),
    ],
)
def test_bad_markers_are_refused(text: str, message: str) -> None:
    with pytest.raises(docs.DocsError, match=message):
        docs.render(text)


def test_markers_quoted_inside_a_line_are_prose() -> None:
    text = "Quote `<!-- BEGIN generated: cli -->` and `<!-- END generated -->` freely.\n"
    assert docs.render(text) == text


def test_cells_are_one_line_with_pipes_escaped() -> None:
    assert docs.cell("a | b\n  c") == "a \\| b c"


def test_check_mode_exits_1_on_a_stale_file(tmp_path) -> None:  # noqa: ANN001
    readme = tmp_path / "README.md"
    readme.write_text("<!-- BEGIN generated: settings dask -->\nold\n<!-- END generated -->\n")
    assert docs.main([str(readme), "--check"]) == 1
    assert docs.main([str(readme)]) == 0
    assert "`OPWATCH_DASK` | `false`" in readme.read_text()
    assert docs.main([str(readme), "--check"]) == 0


def test_generating_imports_no_prefect_and_no_model() -> None:
    code = (
        "import sys; from opwatch.flows import docs; docs.cli_table(); docs.settings_table(); "
        "heavy = [m for m in sys.modules if m.split('.')[0] in "
        "{'prefect', 'torch', 'transformers', 'onnxruntime', 'great_expectations', 'duckdb'}]; "
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
