"""`WorkbookVoila`: Voilà as the workbook serves it, to a whole class at once.

Everything Voilà does stays (voila.json is read exactly as before); on top of it:
- kernels are leased to their page, freed when the page goes, and capped (`kernels.py`);
- a page's kernel can be reached only with the page's own cookie (`handlers.py`);
- no log line holds a query string, a resume token or a kernel id (`logs.py`).
"""

from __future__ import annotations

import functools
import os
import secrets
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.handlers import KernelHandler
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from jupyter_server.utils import url_path_join
from voila.app import Voila
from voila.request_info_handler import RequestInfoSocketHandler
from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler

from ..config import KERNEL_SECRET_ENV, PAGE_ASSETS_ENV
from . import logs
from .handlers import (
    KernelRequestInfoHandler,
    OwnedKernelHandler,
    OwnedKernelWebsocketHandler,
    OwnedShutdownHandler,
    WidgetModuleHandler,
    WorkbookRenderHandler,
)
from .kernels import WorkbookKernelManager
from .verify import VerifyHandler

REPLACED = {
    TornadoVoilaHandler: WorkbookRenderHandler,
    KernelHandler: OwnedKernelHandler,
    VoilaKernelWebsocketHandler: OwnedKernelWebsocketHandler,
    VoilaShutdownKernelHandler: OwnedShutdownHandler,
    RequestInfoSocketHandler: KernelRequestInfoHandler,
}
"""Voilà's handler classes and the ones that take their place, at the same URLs."""

PACKAGE = Path(__file__).resolve().parents[1]
"""espec_widgets/: the widget modules are served from it (see WidgetModuleHandler)."""
_DEFAULT_MANAGER = "jupyter_server.services.kernels.kernelmanager.AsyncMappingKernelManager"


class WorkbookVoila(Voila):
    """Voilà with kernel leases, a cap, kernel ownership and redacted logs."""

    name = "espec-serve"
    description = "Serve the ESPEC case workbook to learners."

    def initialize(self, argv: Any = None) -> None:
        super().initialize(argv)
        logs.install(self.log)
        # Our manager, unless the operator configured another one.
        if self.voila_configuration.multi_kernel_manager_class in (
            AsyncMappingKernelManager,
            _DEFAULT_MANAGER,
        ):
            self.voila_configuration.multi_kernel_manager_class = WorkbookKernelManager
        # Kernels inherit the server's environment: they show this to read their page request,
        # and know that their page has the workbook's stylesheet and widget modules.
        os.environ.setdefault(KERNEL_SECRET_ENV, secrets.token_urlsafe(32))
        os.environ[PAGE_ASSETS_ENV] = "1"

    def init_settings(self) -> dict[str, Any]:
        settings: dict[str, Any] = super().init_settings()
        settings["log_function"] = functools.partial(logs.log_request, logger=self.log)
        return settings

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = [
            (
                url_path_join(self.server_url, r"/espec/static/(.*)"),
                WidgetModuleHandler,
                {"path": str(PACKAGE)},
            ),
            (url_path_join(self.server_url, r"/verify"), VerifyHandler),
        ]
        for spec in super().init_handlers():
            pattern, cls, *rest = spec
            handlers.append((pattern, REPLACED.get(cls, cls), *rest))
        return handlers

    def listen(self) -> None:
        start = getattr(self.kernel_manager, "start_reaping", None)
        if start is not None:
            start()
        self._start_forwarder()
        super().listen()

    def _start_forwarder(self) -> None:
        """Forward xAPI statements to the LRS, if one is configured, in a thread of its own."""
        from ..paths import project_root
        from ..xapi.forward import start_in_thread

        try:
            start_in_thread(project_root())
        except Exception:  # learning records must never keep the workbook from serving
            self.log.exception("xapi: the forwarder could not start")


main = WorkbookVoila.launch_instance
