"""How a kernel follows a live session: wait on the change feed in a thread, re-read, show.

The thread waits on the store's change feed (PostgreSQL LISTEN, or SQLite's data_version polled
at most twice a second), so an idle kernel sleeps. When the session changes it reads the new
state there, off the kernel's main thread, and hands it to the kernel's event loop, where the
widgets are updated (ipywidgets are not thread-safe). It also re-reads every `REREAD_SECONDS`
whatever the feed says, so a notification lost with a dropped connection costs seconds, never
correctness; a feed that fails is reopened.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from ..store.feed import ANY, ChangeFeed, open_feed

log = logging.getLogger(__name__)

REREAD_SECONDS = 5.0
"""Every follower re-reads the full state at least this often."""
RETRY_SECONDS = 2.0


def kernel_loop_call() -> Callable[[Callable[[], None]], None]:
    """A thread-safe way to run a function on this kernel's main event loop (ipykernel's tornado
    IOLoop); outside a kernel (tests, the benchmark's learners), the function runs at once."""
    try:
        from IPython import get_ipython

        kernel = getattr(get_ipython(), "kernel", None)
        loop = getattr(kernel, "io_loop", None)
    except ImportError:
        loop = None
    if loop is None:
        return lambda fn: fn()
    return lambda fn: loop.add_callback(fn)


class Follower:
    """Calls `read()` in its thread when `key` may have changed (and every REREAD_SECONDS), and
    `show(state)` on the kernel's loop with what it read; `tick()` runs in the thread every
    `tick_seconds` (a learner's heartbeat). Where the feed cannot say what changed (SQLite),
    `version()`, if given, is read first and the state only when the version moved."""

    def __init__(
        self,
        url: str,
        key: str,
        read: Callable[[], Any],
        show: Callable[[Any], None],
        *,
        tick: Callable[[], None] | None = None,
        tick_seconds: float = 15.0,
        version: Callable[[], object] | None = None,
        reread_seconds: float = REREAD_SECONDS,
        call: Callable[[Callable[[], None]], None] | None = None,
    ) -> None:
        self._url, self._key = url, key
        self._read, self._show = read, show
        self._tick, self._tick_seconds = tick, tick_seconds
        self._version = version
        self._seen: object = None
        self._reread = reread_seconds
        self._call = call or kernel_loop_call()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.reads = 0
        """How many times the state was read (a test can see that an idle follower sleeps)."""

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="espec-live", daemon=True)
            self._thread.start()

    def stop(self, *, wait: bool = True) -> None:
        """Stop following; wait=False from the kernel's loop, which must never block on it."""
        self._stop.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _deliver(self) -> None:
        if self._version is not None:
            self._seen = self._version()
        state = self._read()
        self.reads += 1
        self._call(lambda: self._show(state))

    def _run(self) -> None:
        feed: ChangeFeed | None = None
        next_read = next_tick = time.monotonic()
        while not self._stop.is_set():
            try:
                if feed is None:
                    feed = open_feed(self._url)
                    next_read = time.monotonic()  # (re)connected: read everything again
                now = time.monotonic()
                if self._tick is not None and now >= next_tick:
                    self._tick()
                    next_tick = now + self._tick_seconds
                if now >= next_read:
                    self._deliver()
                    next_read = now + self._reread
                waits = [next_read]
                if self._tick is not None:
                    waits.append(next_tick)
                changed = feed.wait(max(0.0, min(min(waits) - time.monotonic(), 1.0)))
                if changed and (ANY in changed or self._key in changed):
                    if self._stop.is_set():
                        break
                    # SQLite says only that something changed (a heartbeat, another session):
                    # one cheap read of the session's version tells whether it was ours.
                    if (
                        ANY in changed
                        and self._version is not None
                        and self._version() == self._seen
                    ):
                        continue
                    self._deliver()
                    next_read = time.monotonic() + self._reread
            except Exception as exc:  # the store or the feed went away: try again shortly
                log.warning("live session: following failed (%s); retrying", type(exc).__name__)
                if feed is not None:
                    with contextlib.suppress(Exception):  # already broken
                        feed.close()
                    feed = None
                self._stop.wait(RETRY_SECONDS)
        if feed is not None:
            feed.close()
