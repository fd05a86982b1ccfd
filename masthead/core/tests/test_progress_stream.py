"""A command's progress bar in a terminal: drawn in place on the command's stderr, not
coloured as an error and not broken into a line per update."""

import io

from django.core.management.base import BaseCommand
from tqdm import tqdm

from masthead.core.management.progress_stream import ProgressStream


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_draws_on_the_commands_stderr_as_it_is():
    terminal = Terminal()
    # In a terminal (forced colour: the tests' own output is not one) stderr is styled red.
    command = BaseCommand(stderr=terminal, force_color=True)
    stream = ProgressStream(command.stderr)
    assert stream.isatty()
    with tqdm(total=3, desc="Importing", file=stream, mininterval=0) as bar:
        for _ in range(3):
            bar.update(1)
    written = terminal.getvalue()
    assert "Importing" in written and "3/3" in written
    assert written.count("\r") >= 4  # redrawn in place: the start and each update
    assert written.count("\n") <= 1  # one line in all, ended when the bar closes
    assert "\x1b[" not in written  # not coloured as an error
    command.stderr.write("an error")  # what the command writes itself stays styled
    assert "\x1b[" in terminal.getvalue()[len(written) :]
