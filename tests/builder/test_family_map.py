"""The family map: a deterministic SVG ecomap whose meaning never rests on colour alone."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from espec_widgets.builder.family_map import ecomap_svg, family_map_html
from espec_widgets.case import parse_case
from espec_widgets.markup import clean


def _case(workbook: Path, minimal_text: str, old: str = "", new: str = "") -> object:
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(minimal_text.replace(old, new) if old else minimal_text, encoding="utf-8")
    return parse_case(path)


def test_map_marks_surrogate_team_and_patient(workbook: Path, minimal_text: str) -> None:
    svg = ecomap_svg(_case(workbook, minimal_text))  # type: ignore[arg-type]
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title>Family map for Ruth Alvarez</title>" in svg
    assert "legal surrogate" in svg and "Care team" in svg and "the patient" in svg
    assert svg.count('r="30"') == 1, "one double ring: the surrogate"


def test_chosen_family_is_dashed_and_labelled(workbook: Path, minimal_text: str) -> None:
    case = _case(
        workbook,
        minimal_text,
        "    kind: family\n    relationship: son",
        "    kind: chosen family\n    relationship: friend of 30 years",
    )
    svg = ecomap_svg(case)  # type: ignore[arg-type]
    line_to_sam = re.findall(r'<line x1="380.0" y1="330.0"[^>]*/>', svg)
    assert line_to_sam and 'stroke-dasharray="9 5"' in line_to_sam[0]
    assert ">chosen family</text>" in svg


def test_names_are_escaped_and_output_is_deterministic(workbook: Path, minimal_text: str) -> None:
    case = _case(
        workbook, minimal_text, "name: Sam Alvarez", 'name: Sam <script>alert(1)</script> & "Co"'
    )
    first = ecomap_svg(case)  # type: ignore[arg-type]
    assert "<script>" not in first and "&lt;script&gt;" in first
    assert first == ecomap_svg(case)  # type: ignore[arg-type]


def test_the_page_embeds_the_svg_with_alt_text(workbook: Path, minimal_text: str) -> None:
    case = _case(workbook, minimal_text)
    tag = family_map_html(case)  # type: ignore[arg-type]
    data = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', tag)
    assert data and base64.b64decode(data.group(1)).decode() == ecomap_svg(case)  # type: ignore[arg-type]
    assert (
        'alt="Family map: Ruth Alvarez in the middle' in tag and "The table after this map" in tag
    )
    assert clean(tag) == tag, "the one data: URL the sanitiser lets through"
