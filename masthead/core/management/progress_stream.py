"""Where a management command's progress bar writes: the command's own stderr, as it is."""

from __future__ import annotations

from django.core.management.base import OutputWrapper


class ProgressStream:
    """A command's ``self.stderr`` as the plain text stream a progress bar writes to.

    ``OutputWrapper.write`` ends each write with a newline and, in a terminal, colours stderr
    as an error, while tqdm redraws its line after a carriage return and the plain progress
    lines end themselves. Writes go through the wrapper's own ``write`` with no ending and no
    style, so the bar goes wherever the command's stderr goes (the terminal, or the stream
    given to ``call_command``). All else a bar asks for (``isatty``, ``flush``, ``fileno`` for
    the terminal's width, ``encoding``) the wrapper answers, passing it on to its stream.
    """

    def __init__(self, output: OutputWrapper) -> None:
        self.output = output

    def write(self, text: str) -> int:
        self.output.write(text, style_func=_unstyled, ending="")
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self.output, name)


def _unstyled(text: str) -> str:
    return text
