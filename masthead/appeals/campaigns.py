"""Campaign codes: how a contribution names the appeal variant that brought it.

The code travels in the contribution form (field ``campaign``) into the reader-revenue system,
which keeps it on the contribution and hands it back to ``services.appeal_contribution_record``.
It names an appeal and a variant, never a reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CAMPAIGN_PATTERN = re.compile(r"^appeal-(?P<appeal>[1-9][0-9]{0,8})-(?P<variant>[a-z0-9]{1,8})$")


@dataclass(frozen=True)
class Campaign:
    appeal_id: int
    variant_key: str


def campaign_code(*, appeal_id: int, variant_key: str) -> str:
    return f"appeal-{appeal_id}-{variant_key}"


def campaign_parse(code: str) -> Campaign | None:
    """The appeal and variant a code names, or None when it is not an appeal's code."""
    match = CAMPAIGN_PATTERN.match(code or "")
    if match is None:
        return None
    return Campaign(appeal_id=int(match["appeal"]), variant_key=match["variant"])
