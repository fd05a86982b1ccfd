"""Progress for long commands: a tqdm bar in a terminal, plain lines otherwise (logs, CI)."""

from __future__ import annotations

import sys
import time

from tqdm import tqdm


class Progress:
    def __init__(self, *, total: int, label: str, unit: str, stream=None, every: float = 5.0):
        self.stream = stream or sys.stderr
        self.total = total
        self.label = label
        self.unit = unit
        self.every = every
        self.done = 0
        self.started = time.monotonic()
        self.last_line = 0.0
        self.bar = (
            tqdm(total=total, desc=label, unit=f" {unit}", file=self.stream, dynamic_ncols=True)
            if getattr(self.stream, "isatty", lambda: False)()
            else None
        )

    def update_to(self, done: int) -> None:
        done = min(done, self.total) if self.total else done
        if self.bar is not None:
            self.bar.update(done - self.done)
        self.done = done
        now = time.monotonic()
        if self.bar is None and (now - self.last_line >= self.every or done >= self.total):
            self.last_line = now
            elapsed = now - self.started
            rate = done / elapsed if elapsed > 0 else 0.0
            left = (self.total - done) / rate if rate > 0 else 0.0
            self.stream.write(
                f"{self.label}: {done}/{self.total} {self.unit} "
                f"({rate:.0f}/s, about {left:.0f}s left)\n"
            )
            self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
