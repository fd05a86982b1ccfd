"""Background work for publishing."""

from datetime import timedelta

from django.core.management import call_command
from django.tasks import task

from masthead.core.scheduler import every


@every(timedelta(minutes=1), name="publishing.publish_scheduled")
@task()
def publish_scheduled() -> None:
    """Publish pages whose go-live time has come, and unpublish expired ones (Wagtail's job)."""
    call_command("publish_scheduled")
