"""The ids of a case page's headings: the builder writes them, the outline links to them, and
the sanitiser keeps only ids of this shape. No imports, so any module may use it."""

from __future__ import annotations

import re

ANCHOR = re.compile(r"(section|scene|activity)-[A-Za-z0-9_-]{1,80}")


def section_anchor(name: str) -> str:
    return f"section-{name}"


def scene_anchor(scene_id: str) -> str:
    return f"scene-{scene_id}"


def activity_anchor(activity_id: str) -> str:
    return f"activity-{activity_id}"
