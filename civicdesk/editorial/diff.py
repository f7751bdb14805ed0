"""A readable word-level diff between two texts (difflib), for the revision history."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Segment:
    """A run of text that is unchanged ("equal"), removed ("delete") or added ("insert")."""

    op: str
    text: str


def word_diff(old: str, new: str) -> list[Segment]:
    """The segments turning `old` into `new`, word by word (spaces and punctuation are their own tokens, so a
    changed word never drags its neighbours along). Replacements come as a deletion then an insertion."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(a[i1:i2]))
        else:
            if i2 > i1:
                _append(segments, "delete", "".join(a[i1:i2]))
            if j2 > j1:
                _append(segments, "insert", "".join(b[j1:j2]))
    return segments


def _append(segments: list[Segment], op: str, text: str) -> None:
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def has_changes(segments: list[Segment]) -> bool:
    return any(segment.op != "equal" for segment in segments)
