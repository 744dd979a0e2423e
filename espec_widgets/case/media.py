"""Recordings a case plays: each file exists, has an allowed format and size, and has captions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .schema import Case

MAX_MEDIA_BYTES = 50_000_000
MEDIA_SUFFIXES = {"video": {".mp4", ".webm"}, "audio": {".mp3", ".ogg", ".m4a", ".wav"}}

Loc = tuple[str | int, ...]


def media_problems(case: Case, media_dir: Path) -> Iterator[tuple[Loc, str, str]]:
    """Every recording exists, has an allowed format and size, and has WebVTT captions."""
    for i, scene in enumerate(case.scenes):
        media = scene.media
        if media is None:
            continue
        where: Loc = ("scenes", i, "media")
        src = media_dir / media.src
        if not src.is_file():
            yield (
                (*where, "src"),
                f"no media file '{media.src}' in {media_dir}",
                "put the file there",
            )
        else:
            if src.suffix.lower() not in MEDIA_SUFFIXES[media.kind]:
                allowed = ", ".join(sorted(MEDIA_SUFFIXES[media.kind]))
                yield (*where, "src"), f"a {media.kind} file must be one of {allowed}", ""
            if src.stat().st_size > MAX_MEDIA_BYTES:
                yield (
                    (*where, "src"),
                    f"'{media.src}' is larger than {MAX_MEDIA_BYTES // 1_000_000} MB",
                    "compress it, or host a shorter clip",
                )
        vtt = media_dir / media.captions
        if vtt.suffix.lower() != ".vtt":
            yield (*where, "captions"), "captions must be a WebVTT file ending in .vtt", ""
        elif not vtt.is_file():
            yield (
                (*where, "captions"),
                f"no captions file '{media.captions}' in {media_dir}",
                ("every recording needs captions"),
            )
        else:
            text = vtt.read_text(encoding="utf-8", errors="replace")
            if not text.lstrip("\ufeff").startswith("WEBVTT") or "-->" not in text:
                yield (
                    (*where, "captions"),
                    f"'{media.captions}' is not WebVTT with timed cues",
                    "start the file with 'WEBVTT' and give each cue a '00:00.000 --> 00:02.000' line",
                )
