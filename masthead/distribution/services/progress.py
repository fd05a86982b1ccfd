"""Progress for long operator commands: a tqdm bar in a terminal, plain lines otherwise (logs,
CI, cron), so that a build's output is readable wherever it ends up."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts units of work. The silent base class is what services use by default."""

    def start(self, description: str, total: int) -> None:
        pass

    def grow(self, extra: int) -> None:
        """More work was found (links followed while building)."""

    def advance(self, done: int = 1) -> None:
        pass

    def note(self, message: str) -> None:
        pass

    def finish(self) -> None:
        pass


class TerminalProgress(Progress):
    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = None

    def start(self, description: str, total: int) -> None:
        import tqdm as tqdm_module
        from tqdm import tqdm

        # No monitor thread: the build forks its render processes after the bar starts.
        tqdm_module.tqdm.monitor_interval = 0
        self.finish()
        self.bar = tqdm(total=total, desc=description, unit="file", file=self.stream, leave=True)

    def grow(self, extra: int) -> None:
        if self.bar is not None:
            self.bar.total += extra
            self.bar.refresh()

    def advance(self, done: int = 1) -> None:
        if self.bar is not None:
            self.bar.update(done)

    def note(self, message: str) -> None:
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            self.stream.write(message + "\n")

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class LineProgress(Progress):
    """One line every ``every`` seconds and at the end of each step."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0) -> None:
        self.stream = stream or sys.stdout
        self.every = every
        self.description = ""
        self.total = self.done = 0
        self.started = self.last = 0.0

    def _line(self) -> None:
        elapsed = time.monotonic() - self.started
        self.stream.write(f"{self.description}: {self.done}/{self.total} ({elapsed:.1f} s)\n")
        self.stream.flush()

    def start(self, description: str, total: int) -> None:
        self.description, self.total, self.done = description, total, 0
        self.started = self.last = time.monotonic()

    def grow(self, extra: int) -> None:
        self.total += extra

    def advance(self, done: int = 1) -> None:
        self.done += done
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self._line()

    def note(self, message: str) -> None:
        self.stream.write(message + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.description:
            self._line()
            self.description = ""


def progress_for(stream: TextIO, *, quiet: bool = False) -> Progress:
    if quiet:
        return Progress()
    return TerminalProgress(stream) if stream.isatty() else LineProgress(stream)
