"""The Prefect API server of one `opwatch run`, started by opwatch itself.

Without PREFECT_API_URL, Prefect would start its temporary (ephemeral) server only when
the flow is called, after the main process has imported Prefect's whole server package
just to launch it. opwatch launches the same server (uvicorn on Prefect's app, UI and
services off) as its first step instead: the server imports itself in its own process
while the run imports the pipeline, and the run waits for it only before the flow.

Dask workers are separate processes: against Prefect's own temporary server each worker
would start a server of its own, so a Dask run exports the URL of this one (or uses
PREFECT_API_URL) for its workers.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

STARTUP_TIMEOUT = 180.0  # seconds; a loaded machine can be slow to start the server
PORT_ATTEMPTS = 3  # another process can take the free port before the server binds it
# What Prefect's own temporary server runs with: no UI, no background services.
EPHEMERAL_ENV = {
    "PREFECT_UI_ENABLED": "0",
    "PREFECT__SERVER_EPHEMERAL": "1",
    "PREFECT__SERVER_FINAL": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}
_RUNNING: list[TemporaryServer] = []  # stopped by opwatch.runtime on SIGINT/SIGTERM


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
            time.sleep(0.2)
    raise PrefectServerError(f"prefect server at {api_url} was not healthy after {timeout:.0f} s")


# Runs uvicorn in the child after setting, on Linux, SIGTERM on the parent's death (even
# by SIGKILL), so that no server outlives its run. Done after exec, not in a preexec_fn,
# which is unsafe in a process that already runs threads.
_CHILD = """import ctypes, os, runpy, sys
parent = int(sys.argv.pop(1))
if sys.platform == "linux":
    try:
        ctypes.CDLL(None).prctl(1, 15)  # PR_SET_PDEATHSIG, SIGTERM
    except (OSError, AttributeError):
        pass
if os.getppid() != parent:
    sys.exit(0)  # the run is already gone
sys.argv[0] = "uvicorn"
runpy.run_module("uvicorn", run_name="__main__", alter_sys=True)
"""


def _site_packages() -> str:
    spec = importlib.util.find_spec("prefect")  # without importing Prefect
    if spec is None or spec.origin is None:
        raise PrefectServerError("Prefect is not installed")
    return str(Path(spec.origin).parent.parent)


class TemporaryServer:
    """Prefect's API app under uvicorn on a free 127.0.0.1 port, for one run.

    start() returns at once; wait() blocks until /health answers (restarting on another
    port when the first was taken meanwhile); stop() ends it."""

    def __init__(self, log_file: Path | None = None) -> None:
        self.log_file = log_file
        self.proc: subprocess.Popen | None = None
        self.api_url = ""
        self._out: IO[bytes] | None = None
        self.healthy = False

    def start(self) -> str:
        port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(EPHEMERAL_ENV)
        if self.log_file and self._out is None:
            self.log_file.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.log_file.open("ab")
        app = ["--factory", "prefect.server.api.server:create_app"]
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(os.getpid()), "--app-dir", _site_packages(), *app,
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "error",
             "--lifespan", "on"],
            env=env,
            stdout=self._out or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        _RUNNING.append(self)
        return self.api_url

    def wait(self, timeout: float = STARTUP_TIMEOUT) -> str:
        """The API URL once the server is healthy."""
        if self.healthy:
            return self.api_url
        for attempt in range(1, PORT_ATTEMPTS + 1):
            assert self.proc is not None, "start() first"
            try:
                wait_healthy(self.api_url, self.proc, timeout)
            except PrefectServerError:
                if self.proc.poll() is None or attempt == PORT_ATTEMPTS:
                    raise
                self.start()  # it exited early: most likely its port was taken
            else:
                self.healthy = True
                return self.api_url
        raise AssertionError("unreachable")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc, signal=15, timeout=5)
            self.proc = None
        if self._out is not None:
            self._out.close()
            self._out = None
        if self in _RUNNING:
            _RUNNING.remove(self)


def stop_running_servers() -> int:
    """Stop every server this process started; returns how many."""
    servers = list(_RUNNING)
    for server in servers:
        server.stop()
    return len(servers)


class ConfiguredServer:
    """PREFECT_API_URL: a server someone else runs."""

    def __init__(self, api_url: str) -> None:
        self.api_url = api_url

    def wait(self, timeout: float = STARTUP_TIMEOUT) -> str:
        return self.api_url


@contextmanager
def run_api(log_file: Path | None = None) -> Iterator[Any]:
    """The run's Prefect API: PREFECT_API_URL when set, else a TemporaryServer started
    now (call .wait() before the flow). Its URL is exported in the environment before
    Prefect is imported, for this process and the Dask workers it starts; on a clean
    exit the logs and events still queued are sent before the server stops."""
    configured = os.environ.get("PREFECT_API_URL")
    if configured:
        yield ConfiguredServer(configured)
        return
    from opwatch.runtime import is_stop

    server = TemporaryServer(log_file)
    os.environ["PREFECT_API_URL"] = server.start()
    stopped = False
    try:
        yield server
    except BaseException as exc:
        stopped = is_stop(exc)
        raise
    finally:
        try:
            if not stopped and server.healthy:
                drain_prefect_services()
        finally:
            os.environ.pop("PREFECT_API_URL", None)
            server.stop()


@contextmanager
def prefect_api(api_url: str) -> Iterator[None]:
    """Prefect settings pointing at api_url (it may be imported already)."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        yield


def stop(proc: subprocess.Popen, signal: int = 2, timeout: float = 20) -> None:
    """SIGINT first by default (`prefect server start` ignores SIGTERM in some states),
    then kill."""
    if proc.poll() is None:
        proc.send_signal(signal)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def local_server(log_file: Path | None = None, timeout: float = STARTUP_TIMEOUT) -> Iterator[str]:
    """A TemporaryServer for the length of the block; yields its API URL once healthy.
    Its output goes to `log_file` (or is discarded)."""
    server = TemporaryServer(log_file)
    server.start()
    try:
        yield server.wait(timeout)
    finally:
        server.stop()


def drain_prefect_services(timeout: float = 30.0) -> None:
    """Send the logs and events this process still has queued, while the server is up:
    otherwise they are retried at exit against a server that is gone, and exit waits."""
    if "prefect" not in sys.modules:
        return
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for service in (APILogWorker, EventsWorker):
        service.drain_all(timeout=timeout)
