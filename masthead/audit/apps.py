from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "masthead.audit"
    label = "audit"
    verbose_name = "Security audit log"

    def ready(self) -> None:
        from masthead.audit import receivers, tasks  # noqa: F401 - tasks registers the purge

        receivers.connect()
