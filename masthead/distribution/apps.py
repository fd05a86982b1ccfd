from django.apps import AppConfig


class DistributionConfig(AppConfig):
    name = "masthead.distribution"
    label = "distribution"
    verbose_name = "Distribution"

    def ready(self) -> None:
        from masthead.distribution import receivers, services, tasks  # noqa: F401

        receivers.connect()
        # Public forms (core) accept posts from every mirror and the onion address editors
        # keep in the admin, read again a few seconds after a change, without a restart.
        from masthead.core.public_forms import register_origin_source
        from masthead.distribution.selectors import mirror_origins

        register_origin_source(mirror_origins)
