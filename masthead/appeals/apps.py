from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "masthead.appeals"
    label = "appeals"
    verbose_name = "Appeals"

    def ready(self) -> None:
        from masthead.appeals import publication, receivers

        publication.connect_invalidation()
        receivers.connect()
