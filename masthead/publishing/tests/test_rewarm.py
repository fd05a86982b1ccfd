"""After a publish the pages readers open first are rendered into the page cache by a task,
so that the first readers after a publish are not each made to wait for a render."""

import pytest
from django_tasks_db.models import DBTaskResult

from masthead.publishing import tasks
from masthead.publishing.tests import factories

pytestmark = pytest.mark.django_db

MAIN = {"HTTP_HOST": "news.example.org", "secure": True}  # MASTHEAD_BASE_URL in tests


def _rewarm_tasks():
    return DBTaskResult.objects.filter(task_path__endswith=".pages_rewarm")


def test_a_publish_warms_the_front_page_its_section_and_the_article(
    client, django_capture_on_commit_callbacks
):
    world = factories.section(title="World")
    with django_capture_on_commit_callbacks(execute=True):
        story = factories.article(parent=world, title="Bridge reopens")

    queued = list(_rewarm_tasks())
    assert [task.args_kwargs["kwargs"] for task in queued] == [{"page_id": story.pk}]
    answered = tasks.pages_rewarm.call(page_id=story.pk)
    assert answered == {"/": 200, "/archive/": 200, world.url: 200, story.url: 200}

    for path in answered:
        response = client.get(path, **MAIN)
        assert response.headers["X-Page-Cache"] == "hit", path
    assert b"Bridge reopens" in client.get("/", **MAIN).content


def test_an_unpublished_page_is_not_asked_for_but_the_front_page_is(client):
    world = factories.section(title="World")
    story = factories.article(parent=world, title="Withdrawn")
    story.unpublish()
    assert tasks.pages_rewarm.call(page_id=story.pk) == {"/": 200, "/archive/": 200}
    assert b"Withdrawn" not in client.get("/", **MAIN).content
