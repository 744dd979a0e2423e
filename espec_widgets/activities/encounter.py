"""The encounter player: a scene's transcript line by line, and its recording with captions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from ._kernel_owned import KernelOwnedWidget

_HERE = Path(__file__).parent


class EncounterPlayer(KernelOwnedWidget):
    """Nothing here is the learner's input: the browser can change none of its state."""

    _esm = _HERE / "encounter.js"

    title = t.Unicode().tag(sync=True)
    lines = t.List(t.Dict(), help="[{who: 'Name (role)', text}] in order.").tag(sync=True)
    media = t.Dict(
        allow_none=True, default_value=None, help="{kind, src, captions, title} or None."
    ).tag(sync=True)

    def __init__(self, *, title: str, lines: list[dict[str, str]], media: Any = None) -> None:
        super().__init__(title=title, lines=lines, media=media)
