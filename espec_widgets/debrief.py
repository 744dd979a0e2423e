"""The case's debrief, kept in the kernel: it discusses the answers, so the page has none of it
until the learner asks for it (best after the activities; the learner may ask sooner).

The text is the case author's Markdown, rendered and sanitised as the build renders every page
(markup.render: raw HTML shown as text, only our tags and attributes); it is put on the page by
an ipywidgets HTML widget, and only then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import traitlets as t

from .activities._kernel_owned import KernelOwnedWidget

_HERE = Path(__file__).parent

BEFORE_START = "The debrief discusses this case's answers. It opens once you have started."


def _kernel_html() -> Any:
    """An HTML widget the page cannot change (ipywidgets' own takes any value it is sent)."""
    import ipywidgets as w

    class KernelHTML(w.HTML):  # type: ignore[misc]
        def set_state(self, sync_data: dict[str, Any]) -> None:
            return  # nothing here is the learner's input

    return KernelHTML("", layout=w.Layout(display="none"))


class DebriefGate(KernelOwnedWidget):
    """Says how far the learner is and offers "Show the debrief"; the text stays in the kernel."""

    _esm = _HERE / "debrief.js"
    _events = frozenset({"open"})

    known = t.Bool(False, help="The learner is known; before that the debrief cannot open.").tag(
        sync=True
    )
    left = t.Int(0, help="Activities still to do.").tag(sync=True)
    opened = t.Bool(False, help="The debrief is shown (it stays shown).").tag(sync=True)
    status = t.Unicode(BEFORE_START).tag(sync=True)

    def __init__(self, markdown: str, **kwargs: Any) -> None:
        import ipywidgets as w

        super().__init__(**kwargs)
        self._markdown = markdown
        self.text = _kernel_html()
        self.view = w.VBox([self, self.text])

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "open":
            self.reveal()

    def reveal(self) -> bool:
        """Put the debrief on the page; refused before the learner is known."""
        if not self.known:
            self._refuse("open", "no learner yet", tell=BEFORE_START)
            return False
        if not self.opened:
            from .markup import render

            body = render(self._markdown)
            self.text.value = f'<div class="espec-text jp-RenderedHTMLCommon">{body}</div>'
            self.text.layout.display = None
            self.opened = True
        self.status = "The debrief is shown below."
        return True

    def update(self, *, known: bool, left: int) -> None:
        self.known, self.left = known, left
        if self.opened:
            return
        if not known:
            self.status = BEFORE_START
        elif left:
            self.status = (
                f"The debrief discusses this case's answers. It is best read once you have done "
                f"the activities ({left} still to do); you may open it now if you wish."
            )
        else:
            self.status = "You have done every activity: the debrief is ready for you."
