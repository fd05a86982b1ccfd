from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "masthead.channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from masthead.channels import panels, receivers, tasks  # noqa: F401

        receivers.connect()
        panels.attach()
