"""Whole numbers read from text that comes from outside: a form field, a header, a link, an
export file.

``str.isdigit()`` alone is not enough: it takes "²" for a digit, which ``int()`` refuses (a
500 where a 400 was meant), and a string of thousands of digits passes it and then costs
``int()`` its conversion limit. One reading for every caller.
"""

from __future__ import annotations


def whole_number(text: str | None, *, digits: int = 18) -> int | None:
    """``text`` as a number when it is 1 to ``digits`` ASCII digits and nothing else; None
    otherwise."""
    if not text or len(text) > digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)
