"""The audit log keeps ``MASTHEAD_AUDIT_DAYS`` of entries; the worker deletes older ones."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.tasks import task

from masthead.audit.services import security_events_purge
from masthead.core.scheduler import every

logger = logging.getLogger(__name__)


@every(timedelta(days=1), name="audit.purge")
@task()
def purge() -> int:
    deleted = security_events_purge(days=settings.AUDIT_DAYS)
    logger.info(
        "Security audit log: %d entries older than %d days deleted", deleted, settings.AUDIT_DAYS
    )
    return deleted
