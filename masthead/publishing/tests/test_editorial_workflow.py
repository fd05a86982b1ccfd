"""The newsroom's workflow through the real admin: write, submit, approve, schedule, go live."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import timezone
from wagtail.models import Revision
from wagtail.test.utils.form_data import (
    nested_form_data,
    querydict_from_html,
    rich_text,
    streamfield,
)

from masthead.accounts.testing import sign_in_verified
from masthead.core.models import PeriodicJob
from masthead.publishing.models import ArticlePage
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _user(username: str, group: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw-for-tests-only"
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def _worker_batch() -> None:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    result = subprocess.run(
        [sys.executable, "-m", "masthead.project.cli", "worker", "--batch"],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


def test_groups_exist_with_the_right_powers():
    world = factories.section()
    contributor, editor = _user("cora", "Contributor"), _user("eddie", "Editor")
    story = factories.article(parent=world, publish=False)
    assert not story.permissions_for_user(contributor).can_publish()
    assert world.permissions_for_user(contributor).can_add_subpage()
    assert story.permissions_for_user(editor).can_publish()
    assert story.permissions_for_user(editor).can_unpublish() is False  # not live yet
    # Editors may remove a story, not a whole section with its archive.
    assert not world.permissions_for_user(editor).can_delete()
    admin = _user("ada", "Administrator")
    assert world.permissions_for_user(admin).can_delete()


def test_contributor_submits_editor_approves_and_the_schedule_fires(client):
    world = factories.section()
    contributor, editor = _user("cora", "Contributor"), _user("eddie", "Editor")

    # A contributor writes an article in the admin and submits it for review.
    sign_in_verified(client, contributor)
    add_url = f"/admin/pages/add/publishing/articlepage/{world.pk}/"
    form = client.get(add_url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    go_live = timezone.localtime() + timedelta(hours=2)
    data.update(
        {
            "title": "Court frees three journalists",
            "slug": "court-frees-three-journalists",
            "standfirst": "The appeal court overturned the sentences after eleven months.",
            "go_live_at": go_live.strftime("%Y-%m-%d %H:%M"),
            "action-submit": "Submit for moderation",
        }
    )
    data.update(
        nested_form_data(
            {
                "body": streamfield(
                    [("paragraph", rich_text("<p>The three were released on Monday.</p>"))]
                )
            }
        )
    )
    response = client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story = ArticlePage.objects.get(slug="court-frees-three-journalists")
    assert not story.live
    state = story.current_workflow_state
    assert state is not None and state.status == "in_progress"

    # The contributor cannot approve their own work.
    task_state = state.current_task_state
    approve_url = f"/admin/pages/workflow/action/{story.pk}/approve/{task_state.pk}/"
    client.post(approve_url, {})
    task_state.refresh_from_db()
    assert task_state.status == "in_progress"

    # An editor approves; the article is scheduled, not yet live.
    sign_in_verified(client, editor)
    response = client.post(approve_url, {})
    assert response.status_code in (200, 302)
    story.refresh_from_db()
    task_state.refresh_from_db()
    assert task_state.status == "approved"
    assert not story.live
    assert Revision.objects.filter(
        object_id=str(story.pk), approved_go_live_at__isnull=False
    ).exists()
    client.logout()
    assert client.get("/world/court-frees-three-journalists/").status_code == 404

    # Two hours pass: move every record of the embargo time into the past, as the clock would.
    past = timezone.now() - timedelta(seconds=1)
    revision = Revision.objects.get(object_id=str(story.pk), approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = past.isoformat()
    revision.approved_go_live_at = past
    revision.save(update_fields=["content", "approved_go_live_at"])
    ArticlePage.objects.filter(pk=story.pk).update(go_live_at=past)
    PeriodicJob.objects.update(next_run_at=timezone.now())
    _worker_batch()
    story.refresh_from_db()
    assert story.live
    page = client.get("/world/court-frees-three-journalists/")
    assert page.status_code == 200 and "The three were released on Monday." in page.content.decode()
