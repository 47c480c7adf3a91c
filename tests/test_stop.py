"""SIGINT/SIGTERM stop `opwatch run` within seconds, leave the database as it was, and
take the temporary Prefect server down with the run."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads child processes from /proc"),
]


def _children(pid: int) -> dict[int, str]:
    """Direct children of pid with their command lines."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except (OSError, ValueError, IndexError):
            continue
    return {k: v.decode(errors="replace") for k, v in found.items()}


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _inbox(tmp_path: Path, copies: int = 4) -> Path:
    """Enough distinct articles that extraction is still running when the signal comes."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(EXAMPLES.glob("*.txt")):
        for i in range(copies):
            note = f"\nEditor's note {i}: this copy was made for a test.\n".encode()
            (inbox / f"{path.stem}_{i}.txt").write_bytes(path.read_bytes() + note)
    return inbox


# 3 s: the run is under way (models load, articles are extracted); 0.5 s: the signal
# lands during start-up, inside Prefect's own code (it once surfaced there as a
# pydantic serialisation error and exit 1)
@pytest.mark.parametrize(
    ("signum", "delay"), [(signal.SIGTERM, 3.0), (signal.SIGINT, 3.0), (signal.SIGTERM, 0.5)]
)
def test_signal_stops_the_run_and_its_prefect_server(
    tmp_path: Path, signum: int, delay: float
) -> None:
    db = tmp_path / "stop.duckdb"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "PREFECT_HOME": str(tmp_path / "prefect"),
        "OPWATCH_MAX_WORKERS": "1",
    }
    env.pop("PREFECT_API_URL", None)  # the run starts its own temporary server
    command = [sys.executable, "-m", "opwatch.flows.cli", "run", str(_inbox(tmp_path))]
    command += ["--db", str(db), "--reports", str(tmp_path / "reports")]
    proc = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 240
        servers: list[int] = []
        while time.monotonic() < deadline and proc.poll() is None and not servers:
            servers = [p for p, cmd in _children(proc.pid).items() if "uvicorn" in cmd]
            time.sleep(0.5)
        assert servers, "the temporary Prefect server never started"
        time.sleep(delay)
        assert proc.poll() is None, "the run finished before it could be stopped"
        sent = time.monotonic()
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == {signal.SIGTERM: 143, signal.SIGINT: 130}[signum], stderr[-2000:]
    assert took < 30, f"took {took:.1f} s to stop"
    assert f"stopped by {signal.Signals(signum).name}" in stderr
    assert not any(_alive(pid) for pid in servers), "the Prefect server outlived the run"
    assert not db.exists()  # the run was stopped before it loaded: nothing written
    shutil.rmtree(tmp_path / "prefect", ignore_errors=True)
