"""A real Prefect server for Dask runs.

Dask workers are separate processes: against Prefect's temporary (ephemeral) server each
worker would start a server of its own. A Dask run therefore needs PREFECT_API_URL, or
a server that opwatch starts on 127.0.0.1 for the length of the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

STARTUP_TIMEOUT = 180.0  # seconds; a loaded machine can be slow to start the server


class PrefectServerError(RuntimeError):
    """The local Prefect server could not be started."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(api_url: str, proc: subprocess.Popen, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise PrefectServerError(f"prefect server exited early with status {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise PrefectServerError(f"prefect server at {api_url} was not healthy after {timeout:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """SIGINT first (Prefect ignores SIGTERM in some states), then kill."""
    if proc.poll() is None:
        proc.send_signal(2)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def local_server(log_file: Path | None = None, timeout: float = STARTUP_TIMEOUT) -> Iterator[str]:
    """Start `prefect server start` on a free 127.0.0.1 port; yields its API URL and
    stops it on exit. Its output goes to `log_file` (or is discarded)."""
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)
    out = log_file.open("ab") if log_file else subprocess.DEVNULL
    command = [sys.executable, "-m", "prefect", "server", "start"]
    proc = subprocess.Popen(
        [*command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_healthy(api_url, proc, timeout)
        yield api_url
    finally:
        stop(proc)
        if log_file:
            out.close()


def drain_prefect_services(timeout: float = 30.0) -> None:
    """Send the logs and events this process still has queued, while the server is up:
    otherwise they are retried at exit against a server that is gone, and exit waits."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout)


@contextmanager
def api_for_dask(log_file: Path | None = None) -> Iterator[tuple[str, bool]]:
    """(PREFECT_API_URL, started_here): the configured server, or one started for this
    run, exported in the environment so that LocalCluster workers inherit it."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield configured, False
        return
    with local_server(log_file) as api_url, ExitStack() as stack:
        os.environ["PREFECT_API_URL"] = api_url
        stack.callback(os.environ.pop, "PREFECT_API_URL", None)
        if "prefect" in sys.modules:  # imported already: its settings were read
            from prefect.settings import PREFECT_API_URL, temporary_settings

            stack.enter_context(temporary_settings(updates={PREFECT_API_URL: api_url}))
        stack.callback(drain_prefect_services)  # runs first: before the server stops
        yield api_url, True
