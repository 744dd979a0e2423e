"""The page request a kernel serves: Voilà's query string, read without importing Voilà.

With preheated kernels the notebook runs before anyone asks for the page; Voilà then sends the
request's details to the kernel over a websocket (what `voila.utils.wait_for_request` does). That
helper imports Voilà's server stack (about 47 MB and 2 s in a learner kernel), so this module
speaks the same small protocol with `websockets` alone.
"""

from __future__ import annotations

import json
import os
from urllib.parse import parse_qs

from .config import KERNEL_SECRET_ENV as KERNEL_SECRET_ENV
from .config import PAGE_ASSETS_ENV as PAGE_ASSETS_ENV
from .config import settings

KERNEL_SECRET_HEADER = "X-Espec-Kernel"


def wait_for_request(*, open_timeout: float = 5.0) -> None:
    """In a preheated Voilà kernel, block until the page is requested, then export its details."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return
    from websockets.sync.client import connect

    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    url = f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"
    # The workbook's server only tells its own kernels (they inherit this secret) the request.
    headers = {KERNEL_SECRET_HEADER: settings().kernel_secret}
    with connect(url, open_timeout=open_timeout, additional_headers=headers) as socket:
        info = json.loads(socket.recv())
    os.environ.update({str(k): str(v) for k, v in info.items()})


def query_parameter(name: str) -> str | None:
    """One parameter of the page's query string (after wait_for_request), or None."""
    values = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=True).get(name)
    return values[0] if values else None
