"""Headless Chromium for the page tests: DOM dumps and screenshots with every request
sent to a local recording proxy, so requests to other hosts can be counted.

Chromium talks to its vendor's services on its own (sign-in, time checks), whatever the
page; `baseline_hosts` records those for an empty local page so that the tests count only
what a page adds. Debian's /usr/bin/chromium wrapper adds API keys and extensions, so the
binary under /usr/lib/chromium is preferred.
"""

from __future__ import annotations

import shutil
import socketserver
import subprocess
import threading
from pathlib import Path

CANDIDATES = ("/usr/lib/chromium/chromium", "chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--no-first-run",
    "--no-default-browser-check",
    "--no-pings",
    "--dns-prefetch-disable",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # only the proxy is reachable
    "--proxy-bypass-list=<-loopback>",  # even loopback requests go to the proxy
    "--window-size=1280,2400",
]


def find_chromium() -> str | None:
    for name in CANDIDATES:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def install_chromium() -> str:
    """Try Debian's package (root and a reachable mirror needed); '' on success, else why."""
    if not shutil.which("apt-get"):
        return "apt-get is not available"
    import os

    if os.geteuid() != 0:
        return "installing chromium needs root"
    try:
        for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
            if done.returncode:
                return f"{' '.join(cmd)} failed: {done.stderr.strip()[-300:]}"
    except subprocess.TimeoutExpired:
        return "apt-get timed out (no network?)"
    return ""


class RecordingProxy:
    """A local HTTP proxy that answers 502 to everything and records each request line."""

    def __init__(self) -> None:
        seen: list[str] = []

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data = self.request.recv(4096)
                seen.append(data.split(b"\r\n", 1)[0].decode("latin-1"))
                self.request.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

        self.seen = seen
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def hosts(self) -> set[str]:
        """Hosts asked for: 'CONNECT host:443 ...' or 'GET http://host/path ...'."""
        found = set()
        for line in self.seen:
            parts = line.split()
            if len(parts) < 2:
                continue
            target = parts[1]
            if "://" in target:
                target = target.split("://", 1)[1]
            found.add(target.split("/", 1)[0].rsplit(":", 1)[0])
        return found


def run_chromium(
    binary: str, page: Path, proxy: RecordingProxy, profile: Path, *mode: str
) -> subprocess.CompletedProcess[str]:
    argv = [binary, *FLAGS, f"--proxy-server={proxy.url}", f"--user-data-dir={profile}", *mode]
    return subprocess.run(
        [*argv, page.resolve().as_uri()], capture_output=True, text=True, timeout=180
    )
