"""Taking contributions out of the system as a file: allowed by its own permission, and
traced."""

from __future__ import annotations

from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record

EXPORT_CONTRIBUTIONS_PERMISSION = "supporters.export_contributions"


def contributions_export_record(*, actor, rows: int, is_test: bool) -> None:
    """Leave the security log's trace of an export, before the file is written."""
    security_event_record(
        action=SecurityAction.EXPORT,
        user=actor,
        detail={"what": "contributions", "rows": rows, "test_mode": is_test},
    )
