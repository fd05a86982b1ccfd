from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from masthead.publishing import tasks  # noqa: F401 - registers the periodic jobs
