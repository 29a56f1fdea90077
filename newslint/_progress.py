"""A progress line on stderr for long runs on a terminal; silent in pipes, CI logs and tests."""

from __future__ import annotations

import os
import time
from typing import TextIO


class Progress:
    """Redraws one status line at most five times a second."""

    def __init__(self, stream: TextIO, total_bytes: int, enabled: bool) -> None:
        self.stream = stream
        self.total = total_bytes
        self.enabled = enabled and hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("CI")
        self.started = time.perf_counter()
        self.last = 0.0

    def update(self, articles: int, done_bytes: int, findings: int) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self.last < 0.2:
            return
        self.last = now
        elapsed = max(now - self.started, 1e-6)
        rate = done_bytes / elapsed
        line = f"{articles:,} articles  {rate / 1e6:.1f} MB/s  {findings:,} findings"
        if self.total and rate > 0 and done_bytes < self.total:
            line += f"  {int((self.total - done_bytes) / rate)} s left"
        self.stream.write(f"\r\x1b[K{line}")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
