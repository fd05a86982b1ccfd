"""The periodic job of figures: old daily rows merged into months."""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from masthead.core.scheduler import every
from masthead.figures import services


@every(timedelta(hours=6), name="figures.rollup")
@task()
def figures_rollup() -> int:
    return services.figures_rollup()
