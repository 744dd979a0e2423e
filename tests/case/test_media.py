"""Recordings: espec check requires captions, allowed formats and sizes; the build serves them."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import pytest

from espec_widgets.builder import build
from espec_widgets.case import CaseFileError, media, parse_case

VTT = (
    "WEBVTT\n\n00:00.000 --> 00:01.500\nShe told me she never wants to be on a breathing machine.\n"
)
MEDIA = """    media:
      kind: audio
      src: arrival.wav
      captions: arrival.vtt
      title: Sam talks with the social worker
"""


def _wav(path: Path, seconds: float = 0.5) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<h", 0) * int(8000 * seconds))


def _case(workbook: Path, minimal_text: str, media: str = MEDIA) -> Path:
    folder = workbook / "data" / "media"
    folder.mkdir(exist_ok=True)
    _wav(folder / "arrival.wav")
    (folder / "arrival.vtt").write_text(VTT, encoding="utf-8")
    path = workbook / "data" / "cases" / "minimal-case.yaml"
    path.write_text(
        minimal_text.replace("    transcript:\n", media + "    transcript:\n", 1), encoding="utf-8"
    )
    return path


def _problems(path: Path, workbook: Path) -> str:
    with pytest.raises(CaseFileError) as info:
        parse_case(path, media_dir=workbook / "data" / "media")
    return str(info.value)


def test_recording_with_captions_loads_and_is_served(workbook: Path, minimal_text: str) -> None:
    path = _case(workbook, minimal_text)
    case = parse_case(path, media_dir=workbook / "data" / "media")
    assert case.scenes[0].media is not None
    report = build(workbook)
    assert {"notebooks/media/arrival.wav", "notebooks/media/arrival.vtt"} <= set(report.written)
    assert (workbook / "notebooks/media/arrival.vtt").read_text() == VTT
    assert build(workbook, check=True).clean
    (workbook / "data/media/arrival.vtt").write_text(VTT.replace("never", "not"))
    assert build(workbook, check=True).differs == ["notebooks/media/arrival.vtt"]
    path.write_text(minimal_text)  # the recording is dropped from the case
    assert set(build(workbook).removed) == {
        "notebooks/media/arrival.wav",
        "notebooks/media/arrival.vtt",
    }


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: (d / "arrival.vtt").unlink(), "no captions file 'arrival.vtt'"),
        (lambda d: (d / "arrival.vtt").write_text("just words"), "is not WebVTT with timed cues"),
        (lambda d: (d / "arrival.wav").unlink(), "no media file 'arrival.wav'"),
    ],
    ids=["no-captions", "not-webvtt", "no-media"],
)
def test_missing_or_bad_files_are_explained(
    workbook: Path, minimal_text: str, change: object, words: str
) -> None:
    path = _case(workbook, minimal_text)
    change(workbook / "data" / "media")  # type: ignore[operator]
    assert words in _problems(path, workbook)


def test_format_size_and_paths(
    workbook: Path, minimal_text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _case(workbook, minimal_text, MEDIA.replace("kind: audio", "kind: video"))
    assert "a video file must be one of .mp4, .webm" in _problems(path, workbook)
    path = _case(workbook, minimal_text)
    monkeypatch.setattr(media, "MAX_MEDIA_BYTES", 100)
    assert "is larger than" in _problems(path, workbook)
    path = _case(
        workbook, minimal_text, MEDIA.replace("src: arrival.wav", "src: ../../secrets.wav")
    )
    assert "media.src" in _problems(path, workbook)
    path = _case(
        workbook, minimal_text, MEDIA.replace("captions: arrival.vtt", "captions: arrival.srt")
    )
    assert "captions must be a WebVTT file" in _problems(path, workbook)
