"""Background work for channels: one task per post, and the minute's recovery round."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from masthead.core.scheduler import every


@task()
def post_send(post_id: int) -> str:
    """Send one article's post to one channel (or what is left of it)."""
    from masthead.channels.services import post_send as send

    return send(post_id=post_id)


@every(timedelta(minutes=1), name="channels.recover")
@task()
def posts_recover() -> dict:
    """Take over posts whose worker stopped; queue again posts whose task was lost."""
    from masthead.channels.services import posts_recover as recover

    return recover()
