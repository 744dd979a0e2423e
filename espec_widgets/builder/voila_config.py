"""The committed voila.json: one configuration read by `espec serve` and by a plain `voila` run."""

from __future__ import annotations

from typing import Any

CULL_IDLE_SECONDS = 3600
"""An open page whose kernel has been idle this long loses it (the page then says so)."""
CULL_INTERVAL_SECONDS = 60

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Voilà's page runs inline scripts; anywidget imports each widget's module from a blob.
        "script-src 'self' 'unsafe-inline' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "media-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
"""Pages load nothing from other hosts: the browser enforces it, whatever a page contains."""

HEADERS = {
    # Resume links carry the learner's token: never send the page address to other sites.
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
}


def voila_config(notebooks: list[str], served_root: str) -> dict[str, Any]:
    """Voilà settings: preheated kernels for the navigator and case notebooks, culling, and
    locked-down rendering."""
    prefix = served_root.rstrip("/") + "/"
    pools: dict[str, Any] = {"default": {"pool_size": 0}}
    for nb in notebooks:
        rel = nb.removeprefix(prefix)
        if rel.startswith("part-") or rel == "index.ipynb":
            pools[rel] = {"pool_size": 1}
    return {
        "VoilaConfiguration": {
            "preheat_kernel": True,
            "default_pool_size": 0,
            "strip_sources": True,
            "show_tracebacks": False,
            "template": "espec",  # lab plus accessibility fixes: espec_widgets/share
            "theme": "light",
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            "file_allowlist": [r".*\.(png|jpg|jpeg|gif|svg|webp|vtt|mp4|webm|mp3|ogg|m4a|wav|pdf)"],
            "file_denylist": [r".*\.(ipynb|py|yaml|yml|json|db|sqlite)"],
        },
        "Voila": {"tornado_settings": {"headers": HEADERS}},
        "VoilaKernelManager": {"kernel_pools_config": pools, "fill_delay": 0},
        # Kernels talk to the server over Unix sockets in Voilà's private connection folder, not
        # TCP ports: ports are picked and then bound, so kernels starting together (a class
        # opening a case at once) collided ("Address already in use") and their pages hung.
        "KernelManager": {"transport": "ipc"},
        "MappingKernelManager": {
            "cull_idle_timeout": CULL_IDLE_SECONDS,
            "cull_interval": CULL_INTERVAL_SECONDS,
            "cull_connected": True,
            "cull_busy": False,
        },
    }
