"""A branching encounter: the learner chooses each line, the patient or family responds.

The graph stays in the kernel. The page is sent the conversation so far (each line it heard,
what the learner said and the feedback on that line), the current line, and the texts of the
choices that are open now; never where a choice leads, the feedback of a line not chosen, a
condition, or the flags and counters.

The learner's input (`value`, the only trait the page may write) is an index into the choices
offered now. Every choice is stored as one ungraded response holding the whole run so far::

    {"path": [["opening", 1], ["worry", 0]]}   # [node id, index of the choice in that node]

and "Replay from the start" stores `{"path": []}`, so the history keeps every run. On resume
the last stored path is replayed from the start against the current case, step by step, and
stops at the first step that no longer fits (the case may have been edited since).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import traitlets as t

from ..case.branching import holds
from ..case.runtime import BranchChoiceSpec, BranchingSpec, BranchNodeSpec
from ._activity import ActivityWidget

log = logging.getLogger(__name__)
_HERE = Path(__file__).parent

NOTHING = -1
"""`value` when no choice is selected (set by the kernel only; the page cannot send it)."""
MAX_STEPS = 1000
"""A stored path longer than this is not replayed further (loops could make any length)."""

ENDING_LABELS = {
    "strong": "A strong ending",
    "mixed": "A mixed ending",
    "missed": "A missed opportunity",
}
CLOSED = "This conversation is closed; nothing was said."
UNRECOGNISED = "That choice was not recognised, so nothing was said. Please choose again."
CHOOSE_FIRST = "Choose what you say first."
ENDED = "The conversation has ended. Replay from the start to try another way."
STUCK = "No line fits here, so the conversation cannot go on. Replay from the start."
RESTARTED = "A new conversation: you are back at the start."
ALREADY_AT_START = "You are already at the start of the conversation."
RESUMED = "Welcome back: the conversation continues where you left it."
RESUMED_EDITED = (
    "This case has changed since your last visit: your conversation was restored up to the "
    "point where it still fits."
)


def person(name: str) -> str:
    """A display name without its role: 'Ruth Alvarez (patient)' -> 'Ruth Alvarez'."""
    return name.split(" (", 1)[0].strip() or name


def _extends(later: Any, path: Any) -> bool:
    """Whether the stored path `later` continues `path` (the same run, one choice on)."""
    return (
        isinstance(path, list)
        and isinstance(later, list)
        and len(later) > len(path)
        and later[: len(path)] == path
    )


class _Run:
    """The state of one pass through the graph: where it is, the flags and counters, the path."""

    def __init__(self, activity: BranchingSpec) -> None:
        self.node = activity.start
        self.flags = {name: False for name in activity.flags}
        self.counters = {name: 0 for name in activity.counters}
        self.path: list[tuple[str, int]] = []


class BranchingEncounter(ActivityWidget):
    """The conversation as a graph walked one chosen line at a time; ungraded, ending in words."""

    _browser_inputs = frozenset({"value"})
    _events = frozenset({"choose", "replay"})
    _esm = _HERE / "branching.js"

    question = t.Unicode(help="The activity's title.").tag(sync=True)
    prompt = t.Unicode(help="The instruction.").tag(sync=True)
    history = t.List(
        t.Dict(), help="This run so far: [{speaker, text, you, feedback}], oldest first."
    ).tag(sync=True)
    speaker = t.Unicode(help="Who speaks now: a display name.").tag(sync=True)
    text = t.Unicode(help="What they say now.").tag(sync=True)
    choices = t.List(t.Unicode(), help="The texts of the lines open now; value indexes it.").tag(
        sync=True
    )
    ending = t.Dict(help="{kind, label, summary} once an ending is reached, else {}.").tag(
        sync=True
    )
    # Any, not Int: every malformed value reaches our own checks, which say why they refused it.
    value = t.Any(NOTHING, help="Index into `choices` of the selected line, or -1.").tag(sync=True)

    def __init__(self, activity: BranchingSpec, **kwargs: Any) -> None:
        super().__init__(question=activity.title, prompt=activity.prompt.strip(), **kwargs)
        self._activity = activity
        self._nodes: dict[str, BranchNodeSpec] = {}
        for node in activity.nodes:
            self._nodes.setdefault(node.id, node)
        self._ended = False
        self._run = _Run(activity)
        self._offered: list[int] = []
        self._show()

    # -- the browser's input -----------------------------------------------------------------
    def _input_problem(self, name: str, value: Any) -> tuple[str, str] | None:
        """Why the page may not select value now, or None when it may."""
        if self.disabled:
            problem = CLOSED
        elif not self._offered:
            problem = ENDED if self.ending else STUCK
        elif type(value) is not int or not 0 <= value < len(self._offered):
            problem = UNRECOGNISED
        else:
            return None
        return "not a choice open now", problem

    def handle_event(self, event: str, content: dict[str, Any]) -> None:
        if event == "choose":
            if "value" in content and not self.accept_from_browser("value", content["value"]):
                return  # refused: the status says why, nothing is said
            self.choose()
        elif event == "replay":
            self.replay()

    # -- actions --------------------------------------------------------------------------------
    def choose(self) -> bool:
        """Say the selected line: move on, reveal its feedback, keep the run. False if refused."""
        if self.disabled:
            self._refuse("choose", "closed", tell=CLOSED)
            return False
        if not self._offered:
            self.status = ENDED if self.ending else STUCK
            return False
        index = self.value
        if type(index) is not int or not 0 <= index < len(self._offered):
            self.status = CHOOSE_FIRST
            return False
        self._step(self._offered[index])
        self._show()
        node = self._node()
        said = f"{person(node.speaker)} responds: “{node.text.strip()}”"
        if node.ending is not None:
            said += f" The conversation has ended: {ENDING_LABELS[node.ending.kind].lower()}."
        elif not self._offered:
            said += " " + STUCK
        self.status = said
        self._emit({"path": [[n, i] for n, i in self._run.path]}, None)
        return True

    def replay(self) -> bool:
        """Start a new run at the start node and keep an empty path for it."""
        if self.disabled:
            self._refuse("replay", "closed", tell=CLOSED)
            return False
        if not self._run.path:
            self.status = ALREADY_AT_START
            return False
        self._run = _Run(self._activity)
        self._show()
        self.status = RESTARTED
        self._emit({"path": []}, None)
        return True

    # -- the graph ------------------------------------------------------------------------------
    def _node(self) -> BranchNodeSpec:
        return self._nodes[self._run.node]

    def _open(self, choice: BranchChoiceSpec) -> bool:
        """Whether a choice is offered now: it leads somewhere and its condition holds."""
        if choice.next not in self._nodes:
            return False
        try:
            return holds(choice.when, self._run.flags, self._run.counters)
        except ValueError:
            log.warning("%s: condition %r cannot be evaluated", self._activity.id, choice.when)
            return False

    def _open_now(self) -> list[int]:
        node = self._nodes.get(self._run.node)
        if node is None or node.ending is not None:
            return []
        return [k for k, c in enumerate(node.choices) if self._open(c)]

    def _step(self, k: int) -> None:
        """Apply choice k of the current node (already known to be open) and move on."""
        run = self._run
        choice = self._node().choices[k]
        for name in choice.set:
            if name in run.flags:
                run.flags[name] = True
        for name in choice.clear:
            if name in run.flags:
                run.flags[name] = False
        for name, n in choice.add.items():
            if name in run.counters:
                run.counters[name] += n
        run.path.append((run.node, k))
        run.node = choice.next
        if self._node().ending is not None:
            self._ended = True

    def _show(self) -> None:
        """Put the current run on the page: history, current line, open choices, ending."""
        self._offered = self._open_now()
        history = []
        for node_id, k in self._run.path:
            node = self._nodes[node_id]
            choice = node.choices[k]
            history.append(
                {
                    "speaker": node.speaker,
                    "text": node.text.strip(),
                    "you": choice.text.strip(),
                    "feedback": choice.feedback.strip(),
                }
            )
        node = self._node()
        ending: dict[str, str] = {}
        if node.ending is not None:
            ending = {
                "kind": node.ending.kind,
                "label": ENDING_LABELS[node.ending.kind],
                "summary": node.ending.summary.strip(),
            }
        with self.hold_sync():  # one message, so the page redraws once per move
            self.history = history
            self.speaker = node.speaker
            self.text = node.text.strip()
            self.choices = [node.choices[k].text.strip() for k in self._offered]
            self.ending = ending
            self.value = NOTHING

    # -- resume ---------------------------------------------------------------------------------
    def _replay_path(self, path: Any) -> bool:
        """Rebuild the run from a stored path; False if a step no longer fits (it stops there)."""
        self._run = _Run(self._activity)
        if not isinstance(path, list):
            return False
        for step in path[:MAX_STEPS]:
            if not (
                isinstance(step, list)
                and len(step) == 2
                and step[0] == self._run.node
                and type(step[1]) is int
            ):
                return False
            if step[1] not in self._open_now():
                return False
            self._step(step[1])
        return len(path) <= MAX_STEPS

    def restore_state(self, payloads: list[dict[str, Any]]) -> None:
        """Replay the last stored path; done if any stored run reached an ending."""
        self._ended = False
        paths = [p.get("path") for p in payloads if isinstance(p, dict)]
        for i, path in enumerate(paths):
            # Each choice stores the run so far, so only a run's last path need be replayed;
            # _step marks an ending reached (by a run that still fits the case as it is now).
            if not _extends(paths[i + 1] if i + 1 < len(paths) else None, path):
                self._replay_path(path)
        last = next((p for p in reversed(paths) if isinstance(p, list)), [])
        fits = self._replay_path(last)
        self._show()
        if not fits:
            self.status = RESUMED_EDITED
        elif self._run.path:
            self.status = RESUMED

    @property
    def done(self) -> bool:
        return self._ended
