"""Reading a generated PDF without a PDF library: inflate its streams and look inside."""

from __future__ import annotations

import re
import zlib


def inflated(pdf: bytes) -> bytes:
    """The PDF with every Flate stream decompressed and appended (object streams hold the catalog and info)."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)

