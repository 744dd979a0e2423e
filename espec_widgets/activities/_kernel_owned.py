"""A widget base whose state belongs to the kernel: the browser may only change its inputs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import traitlets as t

from ._assets import STYLESHEET, served_assets

log = logging.getLogger(__name__)


class KernelOwnedWidget(anywidget.AnyWidget):
    """Browser updates to anything but `_browser_inputs` are ignored and the browser is corrected.

    In Voilà the front end can send any trait value, to any widget, disabled or not. Options,
    answer state, feedback and status are the kernel's; only the learner's input comes from the
    page, and its own validators check that.
    """

    _browser_inputs: ClassVar[frozenset[str]] = frozenset()
    _css = STYLESHEET
    _module: ClassVar[Path | None] = None
    """The family's JavaScript module (its `_esm` file), kept for `served_assets`."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        esm = cls.__dict__.get("_esm")
        if isinstance(esm, Path):  # before anywidget turns it into the file's contents
            cls._module = esm
        super().__init_subclass__(**kwargs)

    def __init__(self, **kwargs: Any) -> None:
        # Set before anywidget reads them: on the workbook's server, a one-line module and no
        # stylesheet (the page has both); see _assets.py.
        for key, value in served_assets(self._module).items():
            setattr(self, key, value)
        super().__init__(**kwargs)

    def accept_from_browser(self, name: str, value: Any) -> bool:
        """Apply one input sent with a message; False when it was refused (kernel value kept).

        Widgets send their input along with actions such as submit or save, because the front
        end may still be holding back the last state update when the action message leaves.
        """
        self._refused = False
        self.set_state({name: value})
        return not self._refused

    _refused = False
    """Set by set_state and by subclasses' validators when a browser value is refused."""

    def set_state(self, sync_data: dict[str, Any]) -> None:
        accepted = {k: v for k, v in sync_data.items() if k in self._browser_inputs}
        refused = sorted(set(sync_data) - set(accepted))
        try:
            if accepted:
                super().set_state(accepted)
        except t.TraitError:  # a wrong type: keep the kernel's value, and say so
            refused += sorted(accepted)
            self._refused = True
            if self.has_trait("status"):
                self.set_trait("status", "That value was not recognised; nothing was changed.")
        if refused:
            self._refused = True
            log.warning("%s: ignored browser update to %s", type(self).__name__, refused)
            self.send_state(refused)  # put the page back in step with the kernel
