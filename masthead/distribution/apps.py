from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "masthead.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        from masthead.distribution import receivers, services, tasks  # noqa: F401

        receivers.connect()
