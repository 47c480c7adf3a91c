"""One validated settings object: OPWATCH_* variables, flags, clear errors at start-up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from opwatch.settings import Settings, SettingsError, load_settings
from tests.conftest import REPO


def test_environment_values_are_parsed_and_aliases_mapped() -> None:
    env = {
        "OPWATCH_ALLOW_PRIVATE": "yes",
        "OPWATCH_MAX_WORKERS": "4",
        "OPWATCH_FETCH_TIMEOUT": "2.5",
        "OPWATCH_ROLE_CLASSIFIER": "combined",  # old name of the transformer
        "OPWATCH_DB_PATH": "~/wh.duckdb",
        "OPWATCH_MAX_QUARANTINED": "3",
        "OPWATCH_NER_BACKEND": "",  # empty means not set
    }
    s = load_settings(env)
    assert s.allow_private is True and s.max_workers == 4 and s.fetch_timeout == 2.5
    assert s.role_classifier == "transformer" and s.ner_backend == "torch"
    assert s.database == Path("~/wh.duckdb").expanduser()
    assert s.max_quarantined == 3
    assert load_settings({}).max_quarantined is None


def test_flags_override_the_environment_and_are_validated() -> None:
    s = load_settings({"OPWATCH_MAX_WORKERS": "4"}, max_workers=1, db_path=None)
    assert s.max_workers == 1
    assert s.with_overrides(reports_dir=Path("r")).reports == Path("r")
    with pytest.raises(SettingsError, match="max_workers=0"):
        s.with_overrides(max_workers=0)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("OPWATCH_ROLE_CLASSIFIER", "combind", "'transformer' or 'rules'"),
        ("OPWATCH_NER_BACKEND", "cuda", "'torch', 'int8' or 'onnx'"),
        ("OPWATCH_MAX_WORKERS", "many", "integer"),
        ("OPWATCH_MAX_BYTES", "0", "greater than 0"),
        ("OPWATCH_ALLOW_PRIVATE", "perhaps", "boolean"),
    ],
)
def test_a_wrong_value_names_the_variable_and_what_it_accepts(name, value, expected) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value})
    message = str(error.value)
    assert f"{name}={value!r}" in message and expected in message


def test_settings_are_frozen_and_reject_unknown_fields() -> None:
    s = Settings()
    with pytest.raises(ValueError):
        s.max_workers = 3  # type: ignore[misc]
    with pytest.raises(ValueError):
        Settings(role_clasifier="rules")  # type: ignore[call-arg]


def _python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_run_refuses_a_wrong_setting_before_prefect_or_models_load(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from opwatch.flows.cli import app\n"
        f"r = CliRunner().invoke(app, ['run', {str(tmp_path)!r}])\n"
        "print(r.exit_code); print(r.output)\n"
        "print('LOADED', sorted(m for m in ('prefect', 'torch', 'transformers', "
        "'great_expectations') if m in sys.modules))\n"
    )
    done = _python(code, OPWATCH_ROLE_CLASSIFIER="combind")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "2"
    text = " ".join(done.stdout.split())
    assert "OPWATCH_ROLE_CLASSIFIER='combind'" in text and "'transformer' or 'rules'" in text
    assert "LOADED []" in done.stdout


def test_deployment_flow_sizes_its_thread_pool_from_the_environment() -> None:
    code = "from opwatch.flows.pipeline import pipeline; print(pipeline.task_runner._max_workers)"
    done = _python(code, OPWATCH_MAX_WORKERS="3", DO_NOT_TRACK="1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "3"
