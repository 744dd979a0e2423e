"""Kernels for a whole class: each page's kernel is freed when its page goes, within a cap.

Voilà starts a kernel for every page request (or hands out a preheated one) and, left alone,
keeps it until the idle cull an hour later, whether or not a browser ever connected to it. This
kernel manager leases every kernel it hands to a page and reaps the ones whose page is gone:

- a page that never connected (a link checker, `curl`) loses its kernel `unconnected_grace`
  seconds after the response was sent;
- a page that connected and went away (a closed tab whose shutdown beacon was lost, a crashed
  browser) loses it `disconnected_grace` seconds after its last socket closed;
- an open, idle page keeps its kernel until Voilà's idle cull (`cull_idle_timeout`).

It also admits a new page only while the server is under `max_kernels` live kernels (preheated
pools included), the client address under `max_kernels_per_client`, and the kernels' measured
memory under `max_kernel_memory_mib`: past those the visitor is told to come back (HTTP 503).

A handed-out kernel belongs to the page it was rendered into: the page receives a cookie scoped to
that kernel's URLs holding an HMAC of the kernel id, and only requests carrying it may reach the
kernel. A kernel id alone (seen in a log, a screenshot) opens nothing.
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import hmac
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Int, default
from voila.request_info_handler import RequestInfoSocketHandler

from ..redaction import kernel_label

KERNEL_COOKIE = "espec-kernel"
"""The cookie that proves a request comes from the page a kernel was rendered into (it is
scoped to the kernel's API path; SHUTDOWN_COOKIE, with the same value, to its shutdown path)."""
SHUTDOWN_COOKIE = "espec-kernel-shutdown"


@dataclass(frozen=True)
class Handout:
    """The page request a kernel is being handed to (set by the render handler)."""

    client: str
    bind: Callable[[str], None]
    """Called with the kernel id as soon as it is known, before the page is sent."""


HANDOUT: contextvars.ContextVar[Handout | None] = contextvars.ContextVar(
    "espec_handout", default=None
)


@dataclass
class Lease:
    """One page's hold on a kernel, and what its page has done since."""

    client: str | None
    sent_at: float | None = None
    """When the page's response was complete (None while it is still being sent)."""
    connected: bool = False
    left_at: float | None = None
    """When the page's last socket closed (None while one is open, or before any)."""

    def expired(
        self, now: float, *, connections: int, unconnected_grace: float, disconnected_grace: float
    ) -> str:
        """Why this kernel should be shut down now, or '' to keep it."""
        if connections > 0 or self.sent_at is None:
            return ""
        if not self.connected:
            if now - self.sent_at > unconnected_grace:
                return f"no browser connected within {unconnected_grace:.0f} s"
            return ""
        if self.left_at is not None and now - self.left_at > disconnected_grace:
            return f"its page has been gone for {disconnected_grace:.0f} s"
        return ""


def _physical_memory_mib() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not a POSIX system: assume a small one
        return 4096


def resident_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux /proc), 0 where it cannot be read."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


class WorkbookKernelManager(AsyncMappingKernelManager):
    """AsyncMappingKernelManager plus leases, reaping and admission (see the module docstring).

    Voilà wraps this class (`VoilaKernelManager`, which adds the preheated pools); the hand-out
    of a pooled kernel happens in that subclass's `get_rendered_notebook`, which
    `__init_subclass__` below extends to record the lease.
    """

    kernel_memory_mib = Int(
        120,
        config=True,
        help="Memory set aside per learner kernel (MiB); sizes the default max_kernels.",
    )
    max_kernels = Int(
        config=True,
        help="Most live kernels on this server, preheated pools included "
        "(default: 60% of physical memory divided by kernel_memory_mib).",
    )
    max_kernels_per_client = Int(
        config=True,
        help="Most kernels one client address may hold; 0 for no limit (default: half of "
        "max_kernels: a class behind one NAT shares an address).",
    )
    max_kernel_memory_mib = Int(
        config=True,
        help="Refuse new pages while the kernels' resident memory is above this (MiB; "
        "default: max_kernels * kernel_memory_mib).",
    )
    unconnected_grace = Float(
        60.0,
        config=True,
        help="Seconds a page's kernel is kept after the page was sent if no browser connects.",
    )
    disconnected_grace = Float(
        15.0,
        config=True,
        help="Seconds a page's kernel is kept after its last browser connection closed.",
    )
    reap_interval = Float(5.0, config=True, help="Seconds between looks for kernels to free.")

    @default("max_kernels")
    def _default_max_kernels(self) -> int:
        return max(4, int(_physical_memory_mib() * 0.6) // max(self.kernel_memory_mib, 1))

    @default("max_kernels_per_client")
    def _default_max_per_client(self) -> int:
        return max(4, self.max_kernels // 2)

    @default("max_kernel_memory_mib")
    def _default_max_memory(self) -> int:
        return self.max_kernels * self.kernel_memory_mib

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        handout = cls.__dict__.get("get_rendered_notebook")
        if handout is None or getattr(handout, "_espec_leases", False):
            return

        @functools.wraps(handout)
        async def get_rendered_notebook(self: Any, *args: Any, **kw: Any) -> Any:
            result = await handout(self, *args, **kw)
            self._handed_out(result[2])  # (render task, rendered cells, kernel id)
            return result

        get_rendered_notebook._espec_leases = True  # type: ignore[attr-defined]
        cls.get_rendered_notebook = get_rendered_notebook  # type: ignore[attr-defined]

    def __init__(self, **kwargs: Any) -> None:
        self._leases: dict[str, Lease] = {}
        self._reserved: Counter[str] = Counter()
        self._key = secrets.token_bytes(32)
        self._reaper: PeriodicCallback | None = None
        self._memory: tuple[float, float] = (0.0, -1e9)  # (MiB, when measured)
        super().__init__(**kwargs)

    # who may reach a kernel
    def kernel_key(self, kernel_id: str) -> str:
        """The cookie value that proves a request comes from the kernel's own page."""
        return hmac.new(self._key, kernel_id.encode(), hashlib.sha256).hexdigest()

    def owns(self, kernel_id: str, key: str | None) -> bool:
        """Whether key is the cookie of a page that was given this (live) kernel."""
        return (
            kernel_id in self._leases
            and kernel_id in self
            and isinstance(key, str)
            and hmac.compare_digest(key, self.kernel_key(kernel_id))
        )

    # hand-out and connections
    def _handed_out(self, kernel_id: str) -> None:
        handout = HANDOUT.get()
        self._leases[kernel_id] = Lease(handout.client if handout else None)
        if handout is not None:
            handout.bind(kernel_id)
        else:  # not through a page request: count the grace from now
            self._leases[kernel_id].sent_at = time.monotonic()

    async def start_kernel(self, *, kernel_id: str | None = None, **kwargs: Any) -> str:  # type: ignore[override]
        kid: str = await super().start_kernel(kernel_id=kernel_id, **kwargs)
        env = kwargs.get("env") or {}
        if env.get("VOILA_PREHEAT") != "True":  # started for a request, not for a pool
            self._handed_out(kid)
        return kid

    def page_sent(self, kernel_id: str) -> None:
        """The page holding this kernel has been sent: the unconnected grace starts."""
        if (lease := self._leases.get(kernel_id)) is not None and lease.sent_at is None:
            lease.sent_at = time.monotonic()

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        if (lease := self._leases.get(kernel_id)) is not None:
            lease.connected, lease.left_at = True, None

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        lease = self._leases.get(kernel_id)
        if lease is not None and self._kernel_connections.get(kernel_id, 0) <= 0:
            lease.left_at = time.monotonic()

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self._leases.pop(kernel_id, None)
        # What Voilà holds for the kernel's page request (its query string) goes with it.
        RequestInfoSocketHandler._cache.pop(kernel_id, None)
        await ensure_async(super().shutdown_kernel(kernel_id, *args, **kwargs))

    # admission
    def pooled_kernel_ids(self) -> set[str]:
        """Kernels waiting in a preheated pool (Voilà's subclass keeps them in _pools)."""
        found = set()
        for pool in getattr(self, "_pools", {}).values():
            for task in pool:
                if task.done() and not task.cancelled() and task.exception() is None:
                    found.add(task.result()["kernel_id"])
        return found

    def live_kernels(self) -> int:
        """Kernels running or starting, pooled ones included."""
        return len(set(self._kernels) | set(getattr(self, "_pending_kernels", {})))

    def client_kernels(self, client: str) -> int:
        return sum(1 for kid, lease in self._leases.items() if lease.client == client)

    def kernel_memory(self) -> float:
        """The live kernels' resident memory in MiB (measured at most once a second)."""
        value, when = self._memory
        now = time.monotonic()
        if now - when < 1.0:
            return value
        pids = []
        for km in list(self._kernels.values()):
            pid = getattr(getattr(km, "provisioner", None), "pid", None)
            if isinstance(pid, int):
                pids.append(pid)
        value = sum(resident_mib(pid) for pid in pids)
        self._memory = (value, now)
        return value

    def refusal(self, client: str) -> str:
        """Why a new page for client cannot be served now ('server', 'client'), or ''."""
        if self.live_kernels() + sum(self._reserved.values()) >= self.max_kernels:
            return "server"
        if self.kernel_memory() + self.kernel_memory_mib > self.max_kernel_memory_mib:
            return "server"
        per_client = self.max_kernels_per_client
        if per_client and self.client_kernels(client) + self._reserved[client] >= per_client:
            return "client"
        return ""

    def reserve(self, client: str) -> None:
        """Hold a slot for a page being served: its kernel, or the pool's refill."""
        self._reserved[client] += 1

    def release(self, client: str) -> None:
        self._reserved[client] -= 1
        if self._reserved[client] <= 0:
            del self._reserved[client]

    # reaping
    def expired_kernels(self, now: float) -> Iterable[tuple[str, str]]:
        """(kernel id, reason) for every leased kernel whose page is gone."""
        for kid, lease in list(self._leases.items()):
            if kid not in self:
                self._leases.pop(kid, None)
                continue
            reason = lease.expired(
                now,
                connections=self._kernel_connections.get(kid, 0),
                unconnected_grace=self.unconnected_grace,
                disconnected_grace=self.disconnected_grace,
            )
            if reason:
                yield kid, reason

    async def reap(self) -> int:
        """Shut down every kernel whose page is gone; the number shut down."""
        freed = 0
        for kid, reason in list(self.expired_kernels(time.monotonic())):
            self.log.info("Freeing %s: %s.", kernel_label(kid), reason)
            try:
                await self.shutdown_kernel(kid)
            except Exception:  # already gone, or failing: the idle cull will retry
                self.log.exception("could not shut down %s", kernel_label(kid))
                continue
            freed += 1
        return freed

    def start_reaping(self) -> None:
        """Look for kernels to free every reap_interval seconds (on the running loop)."""
        if self._reaper is None:
            self._reaper = PeriodicCallback(self.reap, self.reap_interval * 1000)
            self._reaper.start()
