"""A task for test_tasks_rq: it leaves a file behind, so the test sees that it ran."""

from pathlib import Path

from django.tasks import task


@task()
def marker_write(*, path: str, text: str) -> str:
    Path(path).write_text(text)
    return text.upper()
