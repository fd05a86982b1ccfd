from django.apps import AppConfig


class FiguresConfig(AppConfig):
    name = "masthead.figures"
    label = "figures"
    verbose_name = "Figures"

    def ready(self) -> None:
        from masthead.figures import receivers, tasks  # noqa: F401 - tasks registers the jobs

        receivers.connect()
