from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "masthead.core"
    label = "core"
    verbose_name = "Masthead"

    def ready(self) -> None:
        from masthead.core import page_cache

        page_cache.connect_invalidation()

        from django.core.signals import setting_changed

        from masthead.core import public_forms

        setting_changed.connect(public_forms.origin_setting_changed, dispatch_uid="public-forms")
