from django.apps import AppConfig
from django.core import checks


def _webhooks_check(app_configs=None, **kwargs):
    # Imported when checks run, not at start-up: it loads every ESP's webhook module.
    from masthead.newsletters.webhooks import webhooks_check

    return webhooks_check(app_configs, **kwargs)


class NewslettersConfig(AppConfig):
    name = "masthead.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from masthead.core import page_cache
        from masthead.newsletters import receivers, tasks  # noqa: F401 - periodic jobs

        receivers.connect()
        # Which ESP webhooks are off for want of a secret, said at start-up.
        checks.register(_webhooks_check, checks.Tags.security)
        # The signup block on every article lists the newsletters: editing one changes pages.
        for model in ("newsletters.Newsletter",):
            post_save.connect(
                page_cache.invalidate_on_change, sender=model, dispatch_uid=f"page-cache-{model}"
            )
            post_delete.connect(
                page_cache.invalidate, sender=model, dispatch_uid=f"page-cache-{model}-delete"
            )
