"""A plain-text progress line for long loads: done / total, rows per second and time left, on stderr."""

from __future__ import annotations

import time
from typing import TextIO


class Progress:
    """Rewrites one line (with a carriage return) at most every `every` seconds.

    `total` and `done` are in any unit (rows, bytes); `rows` is what the line
    reports as speed. Writes nothing when `enabled` is false.
    """

    def __init__(self, stream: TextIO, *, total: int, unit: str = "rows", enabled: bool = True,
                 every: float = 0.5):
        self.stream, self.total, self.unit, self.enabled, self.every = stream, max(total, 0), unit, enabled, every
        self.started = time.monotonic()
        self._shown = 0.0
        self._width = 0

    def update(self, done: int, rows: int, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._shown < self.every:
            return
        self._shown = now
        elapsed = max(now - self.started, 1e-9)
        rate = rows / elapsed
        line = f"{rows:,} rows, {rate:,.0f} rows/s"
        if self.total:
            share = min(done / self.total, 1.0)
            bar = "#" * int(share * 30)
            left = elapsed * (1 - share) / share if share > 0 else 0
            line = f"[{bar:<30}] {share:6.1%}  {line}, {_clock(left)} left"
        self._width = max(self._width, len(line))
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()

    def finish(self, done: int, rows: int) -> None:
        if self.enabled:
            self.update(done, rows, force=True)
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
