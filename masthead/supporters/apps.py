from django.apps import AppConfig


class SupportersConfig(AppConfig):
    name = "masthead.supporters"
    label = "supporters"
    verbose_name = "Supporters"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from masthead.core import page_cache
        from masthead.payments.registry import event_handler_register
        from masthead.supporters import tasks  # noqa: F401 - registers the periodic jobs
        from masthead.supporters.services import payment_event_apply

        # Providers' webhook events change our contributions: payments calls this handler
        # inside the transaction that records the event id (it does not import us).
        event_handler_register(handler=payment_event_apply)

        # The contribution form is on every article page: what editors set there must not
        # wait for cached pages to expire.
        for model, on_save in (
            # Settings rows are created with their defaults on first read: that shows nothing new.
            ("supporters.SupportSettings", page_cache.invalidate_on_change),
            ("payments.OfflinePaymentSettings", page_cache.invalidate_on_change),
            # A new suggested amount or notice is on the page at once.
            ("supporters.AmountChoice", page_cache.invalidate),
            ("supporters.CountryNotice", page_cache.invalidate),
        ):
            uid = f"page-cache-{model}"
            post_save.connect(on_save, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(page_cache.invalidate, sender=model, dispatch_uid=f"{uid}-delete")
