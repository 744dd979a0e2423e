"""A scenario's agenda as each side of a live session sees it, rendered once, in the console.

The learners' view is written into the session's row when the session is made: what a learner's
page shows (stage titles, narrative, scenes, poll questions and options, the wall question), as
safe HTML (markup.render) turned into plain data (live/tree.py), and nothing else. The facilitator notes, discussion prompts and the
polls' debrief notes are never in it: they stay in the instructor's console, which reads them from
the scenario file. A learner kernel therefore needs neither the scenario file nor the Markdown
renderer, and a scenario edited during a session does not change what its learners see.
"""

from __future__ import annotations

from typing import Any

from ..case.scenario import Scenario, Stage
from ..markup import render as _render
from .tree import Tree, to_tree


def render(text: str, *, inline: bool = False) -> Tree:
    """The author's Markdown, cleaned, as a tree the pages build as text (live/tree.py)."""
    return to_tree(_render(text, inline=inline))


def _people(scenario: Scenario) -> dict[str, str]:
    return {p.id: p.name for p in scenario.people}


def _scenes(stage: Stage, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": scene.id,
            "title": scene.title,
            "narrative": render(scene.narrative) if scene.narrative else [],
            "lines": [
                {
                    "speaker": names.get(line.speaker, line.speaker),
                    "direction": line.direction or "",
                    "text": render(line.text, inline=True),
                }
                for line in scene.transcript
            ],
        }
        for scene in stage.scenes
    ]


def learner_agenda(scenario: Scenario) -> list[dict[str, Any]]:
    """Each stage as a learner's page shows it (JSON; stored in the session's row)."""
    names = _people(scenario)
    stages = []
    for stage in scenario.agenda:
        poll = stage.poll
        stages.append(
            {
                "id": stage.id,
                "title": stage.title,
                "minutes": stage.minutes,
                "narrative": render(stage.narrative) if stage.narrative else [],
                "scenes": _scenes(stage, names),
                "poll": {
                    "id": poll.id,
                    "question": render(poll.question),
                    "multiple": poll.multiple,
                    "options": [o.text for o in poll.options],
                    "other": poll.other,
                }
                if poll is not None
                else None,
                "wall": {"question": render(stage.wall.question)} if stage.wall else None,
                "after_poll": list(stage.after_poll),
            }
        )
    return stages


def instructor_notes(scenario: Scenario) -> list[dict[str, Any]]:
    """What only the instructor sees, per stage: facilitator notes, discussion prompts and each
    poll option's debrief note (trees, as in the learners' view)."""
    return [
        {
            "id": stage.id,
            "notes": render(stage.facilitator_notes),
            "discussion": [render(d) for d in stage.discussion],
            "debriefs": [render(o.debrief) for o in stage.poll.options] if stage.poll else [],
        }
        for stage in scenario.agenda
    ]
