from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self) -> None:
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from masthead.publishing import tasks  # registers the periodic jobs

        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(tasks.page_changed, dispatch_uid=f"publishing-rewarm-{signal}")
