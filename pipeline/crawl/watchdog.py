"""A wall-clock cap on the wait for a response's status line and headers.

urllib3's read timeout applies to each socket read, so a server that drips its headers one byte every
few seconds is never timed out. The body has its own cap (fetch.Fetcher._read_body); this one covers what
comes before it: connections made through `watched_adapter()` record their socket for the fetching
thread, and a timer shuts that socket down when the cap is reached, which ends the blocked read at once.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

_CURRENT = threading.local()  # the Watch of the request this thread is sending


@dataclass
class Watch:
    sock: socket.socket | None = None
    fired: bool = False

    def fire(self) -> None:
        self.fired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):  # already closed: the request ended on its own
                self.sock.shutdown(socket.SHUT_RDWR)


class _Watched:
    """Records the socket a request went out on, for the thread's current Watch."""

    def request(self, *args: object, **kwargs: object) -> None:
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]  # connects first when needed
        finally:
            watch = getattr(_CURRENT, "watch", None)
            if watch is not None:
                watch.sock = self.sock  # type: ignore[attr-defined]
                if watch.fired:  # the cap passed while connecting or sending
                    watch.fire()


class _WatchedHTTP(_Watched, HTTPConnection):
    pass


class _WatchedHTTPS(_Watched, HTTPSConnection):
    pass


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTP


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPS


class WatchedAdapter(HTTPAdapter):
    """requests' adapter, with connections that the header watchdog can cut."""

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs)  # type: ignore[arg-type]
        self.poolmanager.pool_classes_by_scheme = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


@contextmanager
def header_deadline(seconds: float) -> Iterator[Watch]:
    """Within the block, a request this thread sends through a WatchedAdapter is cut `seconds` after the
    block started if its headers have not all arrived; `watch.fired` says whether that happened."""
    watch = Watch()
    timer = threading.Timer(seconds, watch.fire)
    timer.daemon = True
    _CURRENT.watch = watch
    timer.start()
    try:
        yield watch
    finally:
        timer.cancel()
        _CURRENT.watch = None
