"""Taking subscribers out of the system as a file: allowed by its own permission, and traced."""

from __future__ import annotations

from masthead.audit.models import SecurityAction
from masthead.audit.services import security_event_record

EXPORT_SUBSCRIBERS_PERMISSION = "newsletters.export_subscribers"


def subscribers_export_record(*, actor, rows: int, file_format: str, filtered: bool) -> None:
    """Leave the security log's trace of an export, before the file is written: whoever takes
    the list away shows up, even if the download is then interrupted."""
    security_event_record(
        action=SecurityAction.EXPORT,
        user=actor,
        detail={
            "what": "subscribers",
            "rows": rows,
            "format": file_format,
            "filtered": filtered,
        },
    )
