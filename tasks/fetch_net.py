"""The network side of fetching: pinned connections, one deadline, bounded decompression.

- `PinnedTransport` resolves each host once, vets every address, and connects to the
  vetted address itself, so no second DNS lookup can swap in a private one (TLS still
  checks the certificate against the host name, sent as SNI).
- `deadline(seconds)` bounds everything a request does on the socket, headers included:
  a server that drips its bytes cannot stretch a request past it.
- `Inflater` decodes Content-Encoding in small steps, so a caller can stop at a byte cap
  before a compression bomb is inflated into memory.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import time
import zlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from opwatch.errors import OpwatchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
STEP = 64 * 1024  # most bytes one decompression step may produce
_DEADLINE: ContextVar[float | None] = ContextVar("opwatch_fetch_deadline", default=None)


class FetchError(OpwatchError):
    """A fetch failure with a stable code; `transient` ones are worth retrying."""

    def __init__(self, code: str, detail: str = "", transient: bool = False) -> None:
        super().__init__(code, detail)
        self.transient = transient


def blocked(ip: IPAddress) -> bool:
    """Loopback, private, link-local, multicast, reserved: anything not public."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast or ip.is_reserved


def resolve(host: str, port: int) -> list[IPAddress]:
    """The host's addresses: an IP literal as is, a name from one DNS lookup."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise FetchError("E014", f"cannot resolve {host}: {exc}") from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    return list(dict.fromkeys(found))


def vetted(host: str, port: int, allow_private: bool) -> list[IPAddress]:
    """Resolve once; raise E013 when any address is not public (unless allowed)."""
    addresses = resolve(host, port)
    if not allow_private:
        for ip in addresses:
            if blocked(ip):
                raise FetchError("E013", f"{host} -> {ip}")
    return addresses


# ---------------------------------------------------------------- one deadline


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every socket operation inside this block ends by `seconds` from now."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    end = _DEADLINE.get()
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise error("the request's overall deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write stops at the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        wait = _left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects to an address vetted from a single DNS lookup, never to the name again."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        error: Exception | None = None
        for ip in vetted(host, port, self.allow_private)[:3]:
            try:
                stream = self._inner.connect_tcp(
                    str(ip),
                    port,
                    _left(timeout, httpcore.ConnectTimeout),
                    local_address,
                    socket_options,
                )
                return _DeadlineStream(stream)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        raise error or httpcore.ConnectError(f"no address for {host}")

    def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never used")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx transport over the pinned backend; environment proxies are never used."""

    def __init__(self, allow_private: bool, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            network_backend=_PinnedBackend(allow_private),
        )


# ---------------------------------------------------------------- bounded decompression


class Inflater:
    """Decodes a Content-Encoding chain (gzip, deflate, identity) in steps of <= STEP bytes."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
        self._stages: list[Any] = []
        for coding in reversed(codings):  # the last coding applied is undone first
            if coding in ("identity", "none"):
                continue
            if coding in ("gzip", "x-gzip"):
                self._stages.append(zlib.decompressobj(16 + zlib.MAX_WBITS))
            elif coding == "deflate":
                self._stages.append(None)  # zlib-wrapped or raw: decided on the first bytes
            else:
                raise FetchError("E011", f"unsupported Content-Encoding {coding!r}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        yield from self._stage(0, data)

    def finish(self) -> Iterator[bytes]:
        for index, stage in enumerate(self._stages):
            if stage is not None:
                tail = stage.flush()
                if tail:
                    yield from self._stage(index + 1, tail)

    def _stage(self, index: int, data: bytes) -> Iterator[bytes]:
        if index == len(self._stages):
            if data:
                yield data
            return
        while data:
            stage = self._stages[index]
            try:
                if stage is None:  # deflate: try the zlib wrapper, else raw deflate
                    stage = self._stages[index] = zlib.decompressobj()
                    try:
                        out = stage.decompress(data, STEP)
                    except zlib.error:
                        stage = self._stages[index] = zlib.decompressobj(-zlib.MAX_WBITS)
                        out = stage.decompress(data, STEP)
                else:
                    out = stage.decompress(data, STEP)
            except zlib.error as exc:
                raise FetchError("E014", f"corrupt compressed body: {exc}") from exc
            data = stage.unconsumed_tail
            if out:
                yield from self._stage(index + 1, out)
