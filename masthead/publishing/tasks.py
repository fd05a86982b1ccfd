"""Background work for publishing."""

from datetime import timedelta

from django.core.management import call_command
from django.db import transaction
from django.tasks import default_task_backend, task

from masthead.core import page_cache
from masthead.core.scheduler import every


@every(timedelta(minutes=1), name="publishing.publish_scheduled")
@task()
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come, and unpublish expired ones (Wagtail's job)."""
    call_command("publish_scheduled")


# Ahead of other queued work (search and reference indexing): readers are waiting for these.
# (A backend without priorities, such as RQ's, runs them in turn.)
REWARM_PRIORITY = 50
_REWARM_OPTIONS = {"priority": REWARM_PRIORITY} if default_task_backend.supports_priority else {}


@task(**_REWARM_OPTIONS)
def pages_rewarm(page_id: int) -> dict[str, int]:
    """After a publish, the pages readers open first are rendered into the page cache at once:
    the front page, the archive, the page's section and the page itself."""
    from masthead.publishing.selectors import rewarm_paths

    return page_cache.warm(rewarm_paths(page_id=page_id))


def page_changed(sender=None, instance=None, **kwargs) -> None:
    """Connected to publishing, unpublishing and moving a page: once the change is committed
    (and the page cache has moved to a new generation), warm the pages it touched."""
    if instance is not None and instance.pk is not None:
        page_id = instance.pk
        transaction.on_commit(lambda: pages_rewarm.enqueue(page_id=page_id), robust=True)
