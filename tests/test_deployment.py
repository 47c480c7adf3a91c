"""A real Prefect server on 127.0.0.1 serves the pipeline; a triggered run loads rows."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from tests.conftest import EXAMPLES, REPO

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"prefect server exited early with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise TimeoutError("prefect server did not become healthy")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(2)  # SIGINT: Prefect processes ignore SIGTERM in some states
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_served_pipeline_runs_against_real_server(tmp_path: Path):
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ)
    env.update(
        PREFECT_HOME=str(tmp_path / "prefect"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_API_URL=api,
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(REPO),
    )
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt"))[:2]:
        shutil.copy(path, inbox / path.name)
    db = tmp_path / "served.duckdb"
    params = {"sources": [str(inbox)], "db_path": str(db), "reports_dir": str(tmp_path / "reports")}
    prefect = [sys.executable, "-m", "prefect"]
    server = subprocess.Popen(
        [*prefect, "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    serve = None
    try:
        _wait_healthy(api, server)
        serve = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from opwatch.flows.pipeline import pipeline; pipeline.serve(name='ci-serve')",
            ],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        command = [
            *prefect,
            "deployment",
            "run",
            "opwatch-pipeline/ci-serve",
            "--params",
            json.dumps(params),
            "--watch",
            "--watch-timeout",
            "400",
        ]
        # The deployment may not be registered yet when serve has just started.
        for _ in range(30):
            trigger = subprocess.run(
                command, env=env, cwd=REPO, capture_output=True, text=True, timeout=480
            )
            if "not found" not in (trigger.stdout + trigger.stderr).lower():
                break
            time.sleep(2)
        output = trigger.stdout + trigger.stderr
        assert trigger.returncode == 0, output
        assert "Completed" in output, output

        # An inbox folder that does not exist: the flow run ends Failed, not Completed.
        missing = {**params, "sources": [str(tmp_path / "no-inbox")]}
        command[command.index("--params") + 1] = json.dumps(missing)
        failed = subprocess.run(
            command, env=env, cwd=REPO, capture_output=True, text=True, timeout=480
        )
        failed_output = failed.stdout + failed.stderr
        assert failed.returncode != 0, failed_output
        assert "finished in state 'Failed'" in failed_output, failed_output
    finally:
        if serve is not None:
            _stop(serve)
        _stop(server)
    with duckdb.connect(str(db), read_only=True) as con:
        n_articles = con.execute("SELECT count(*) FROM articles").fetchone()[0]
        n_runs = con.execute("SELECT count(*) FROM runs").fetchone()[0]
    assert n_articles == 2
    assert n_runs == 2  # the failed run is recorded too
