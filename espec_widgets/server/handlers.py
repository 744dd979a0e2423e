"""The server's request handlers: Voilà's, with admission, kernel ownership and no leaks.

Each replaces one of Voilà's handlers at the same URL (see `app.WorkbookVoila.init_handlers`).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Generator
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.handlers import KernelHandler
from tornado import web
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..activities._assets import PRELUDE, module_source
from ..config import settings
from ..request import KERNEL_SECRET_HEADER
from .kernels import HANDOUT, KERNEL_COOKIE, SHUTDOWN_COOKIE, Handout

RETRY_AFTER_SECONDS = 60

BUSY = {
    "server": (
        "Too many people are using the workbook on this server right now. Please try again in "
        "a minute: this page will try again by itself."
    ),
    "client": (
        "Many workbook pages are open from your network or browser. Close the tabs you no "
        "longer need, then try again: this page will try again by itself in a minute."
    ),
}


def _kernel_cookies(base_url: str, kernel_id: str) -> tuple[tuple[str, str], ...]:
    """(cookie name, path) for the URLs a page uses to reach its kernel: the kernel API (its
    model and its channels) and the shutdown beacon. Each cookie reaches only its own path."""
    return (
        (KERNEL_COOKIE, f"{base_url}api/kernels/{kernel_id}"),
        (SHUTDOWN_COOKIE, f"{base_url}voila/api/shutdown/{kernel_id}"),
    )


class WorkbookRenderHandler(TornadoVoilaHandler):
    """Renders a page if the server has room, and binds the page's kernel to the page."""

    _kernel_id: str | None = None

    async def get(self, path: str | None = None) -> None:
        km = self.kernel_manager
        client = self.request.remote_ip or "unknown"
        if path is None or not path.endswith(".ipynb") or not hasattr(km, "refusal"):
            await super().get(path)  # not a page that takes a kernel
            return
        if reason := km.refusal(client):
            self._busy(reason)
            return
        km.reserve(client)
        token = HANDOUT.set(Handout(client=client, bind=self._bind))
        try:
            await super().get(path)
        finally:
            HANDOUT.reset(token)
            km.release(client)
            if self._kernel_id is not None:
                km.page_sent(self._kernel_id)

    def _bind(self, kernel_id: str) -> None:
        """Give this page the cookie for its kernel's URLs (before the page is sent)."""
        self._kernel_id = kernel_id
        key = self.kernel_manager.kernel_key(kernel_id)
        secure = self.request.protocol == "https"
        for name, path in _kernel_cookies(self.base_url, kernel_id):
            self.set_cookie(name, key, path=path, httponly=True, samesite="Strict", secure=secure)

    def _busy(self, reason: str) -> None:
        self.set_status(503)
        self.set_header("Retry-After", str(RETRY_AFTER_SECONDS))
        self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            self.render_template("busy.html", message=BUSY[reason], retry_after=RETRY_AFTER_SECONDS)
        )


class _OwnedKernel:
    """Mixin: refuse requests for a kernel unless they carry its page's cookie."""

    cookie = KERNEL_COOKIE

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        # A short answer: Voilà has no HTML error pages for these URLs, and a visitor who is
        # refused is told nothing about the kernel.
        self.set_header("Content-Type", "application/json")  # type: ignore[attr-defined]
        self.finish(json.dumps({"message": self._reason}))  # type: ignore[attr-defined]

    def _check_owner(self, kernel_id: str) -> None:
        km = self.kernel_manager  # type: ignore[attr-defined]
        if kernel_id not in km:
            raise web.HTTPError(404)
        if not km.owns(kernel_id, self.get_cookie(self.cookie)):  # type: ignore[attr-defined]
            raise web.HTTPError(403)


class OwnedKernelHandler(_OwnedKernel, KernelHandler):
    """GET (the page's kernel model) and DELETE of /api/kernels/<id>, for its own page only."""

    async def get(self, kernel_id: str) -> None:
        self._check_owner(kernel_id)
        await ensure_async(super().get(kernel_id))

    async def delete(self, kernel_id: str) -> None:
        self._check_owner(kernel_id)
        await ensure_async(super().delete(kernel_id))


class OwnedKernelWebsocketHandler(_OwnedKernel, VoilaKernelWebsocketHandler):
    """The kernel's channels, for its own page only (checked before the socket opens)."""

    async def get(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        self._check_owner(kernel_id)
        await super().get(kernel_id, *args, **kwargs)


class OwnedShutdownHandler(_OwnedKernel, VoilaShutdownKernelHandler):
    """The beacon a page sends when it closes: shuts down its own kernel, at once.

    Voilà's page sends it with `navigator.sendBeacon` and an `_xsrf` form field read from a
    cookie that the render never sets, so every such request failed with 403 and closed tabs
    kept their kernels. The kernel's cookie is SameSite=Strict and scoped to this URL, which
    already proves the request comes from the kernel's own page; the XSRF check adds nothing.
    """

    cookie = SHUTDOWN_COOKIE

    def check_xsrf_cookie(self) -> None:
        return None

    async def post(self, kernel_id: str) -> None:
        self._check_owner(kernel_id)
        for name, path in _kernel_cookies(self.base_url, kernel_id):
            self.clear_cookie(name, path=path)
        await super().post(kernel_id)


class KernelRequestInfoHandler(RequestInfoSocketHandler):
    """Voilà's socket that tells a preheated kernel which page request it now serves.

    The message holds the query string (with a learner's resume token), so only our kernels may
    read it: they present the server's secret, and the message is forgotten once delivered.
    """

    async def get(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        secret = settings().kernel_secret
        given = self.request.headers.get(KERNEL_SECRET_HEADER, "")
        if not secret or not hmac.compare_digest(given, secret):
            raise web.HTTPError(403)
        await super().get(kernel_id, *args, **kwargs)

    def open(self, kernel_id: str) -> None:
        super().open(kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)

    def on_close(self) -> None:
        waiters = RequestInfoSocketHandler._waiters
        for kernel_id in [k for k, w in waiters.items() if w is self]:
            del waiters[kernel_id]


class WidgetModuleHandler(web.StaticFileHandler):
    """The widgets' JavaScript modules, served once and cached, instead of inside every widget.

    Each anywidget otherwise carries its module's source in its state: a case page sent about
    240 KB of mostly repeated modules and stylesheets to the browser before it could show a
    widget. Only the package's `.js` files are served here.
    """

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        path = super().validate_absolute_path(root, absolute_path)
        if path is None or not path.endswith(".js") or Path(path) == PRELUDE:
            raise web.HTTPError(404)
        return path

    # Each module is served as widgets carry it inline: the shared prelude, then the module.
    @classmethod
    def get_content(
        cls, abspath: str, start: int | None = None, end: int | None = None
    ) -> Generator[bytes, None, None]:
        yield module_source(Path(abspath)).encode("utf-8")[start:end]

    def get_content_size(self) -> int:
        assert self.absolute_path is not None
        return len(module_source(Path(self.absolute_path)).encode("utf-8"))
