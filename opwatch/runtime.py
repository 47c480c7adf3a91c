"""Process set-up for commands that run the pipeline: no telemetry, and a clean stop.

Nothing here imports Prefect at module level.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from opwatch.settings import work_root

# Set before Prefect, GX or Hugging Face are imported; a value the user set wins.
# PREFECT_HOME: .prefect/ beside data/ (see opwatch.settings.work_root).
QUIET_ENVIRONMENT = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # server start-up usage report
    "PREFECT_CLOUD_ENABLE_ORCHESTRATION_TELEMETRY": "false",
    "DO_NOT_TRACK": "1",  # Prefect 3.8 SDK analytics and its "collects usage data" notice
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "GX_ANALYTICS_ENABLED": "false",  # GX 1.x: used when the context sets no value
    "HF_HUB_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}

EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


def quiet_environment() -> None:
    os.environ.setdefault("PREFECT_HOME", str(work_root() / ".prefect"))
    for name, value in QUIET_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


def stop_prefect_servers() -> int:
    """Stop every temporary Prefect server this process started (opwatch's own, and any
    Prefect started itself); returns how many."""
    stopped = 0
    ours = sys.modules.get("opwatch.flows.prefect_server")
    if ours is not None:
        stopped += ours.stop_running_servers()
    module = sys.modules.get("prefect.server.api.server")
    if module is not None:
        servers = list(module.SubprocessASGIServer._instances.values())
        for server in servers:
            server.stop()
        stopped += len(servers)
    return stopped


def is_stop(exc: BaseException) -> bool:
    if isinstance(exc, KeyboardInterrupt):
        return True
    return type(exc).__name__ == "TerminationSignal"  # Prefect's SIGTERM bridge


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM into the same stop as Ctrl-C; on either, stop the temporary Prefect
    server and leave the process at once (exit 130 or 143).

    The database needs nothing more: a load is one transaction that rolls back when
    interrupted, and the read snapshot is replaced only after a commit. Worker threads
    that are still extracting are not waited for.
    """
    received: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    except BaseException as exc:
        # a signal can land inside library code that wraps the KeyboardInterrupt into
        # its own error (pydantic serialisation during Prefect's start-up, for one):
        # whatever surfaces once a signal was received is that stop
        if not (is_stop(exc) or received):
            raise
        signum = received[-1] if received else getattr(exc, "signal", signal.SIGINT)
        try:
            stop_prefect_servers()
        finally:
            print(
                f"opwatch: stopped by {signal.Signals(signum).name}; an unfinished load "
                "was rolled back and the temporary Prefect server was stopped.",
                file=sys.stderr,
                flush=True,
            )
            sys.stdout.flush()
            os._exit(EXIT_CODES.get(signum, 130))
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


# glibc mallopt parameters: the model's activation buffers (a few MB to ~25 MB, freed
# after every batch) stay in the heap and are reused instead of being mapped, faulted in
# and returned to the OS each time. Dask's nannies start workers with
# MALLOC_TRIM_THRESHOLD_=65536, which does exactly that: measured 32% slower extraction
# on torch. Fixed values also turn off glibc's adaptive threshold, so memory use does
# not depend on what the process allocated before.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
TRIM_THRESHOLD = 128 << 20
MMAP_THRESHOLD = 32 << 20


def tune_allocator() -> bool:
    """Set the heap parameters above for this process (glibc only); True when set."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
        return bool(
            libc.mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD)
            and libc.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        )
    except (OSError, AttributeError):  # musl or another libc: keep its defaults
        return False
