"""Signal receivers: they only put an update on the task queue (when static output is kept).

The task reads the database once the change has committed (the database queue's row is
written in the same transaction), compares with what the output was built from, and decides
what to render; see ``services.site``.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from wagtail.signals import page_published, page_unpublished, post_page_move

from masthead.core.page_cache import BOOKKEEPING_FIELDS
from masthead.distribution.keys import MIRRORS, REDIRECTS, Key, Kind, texts


def _enabled() -> bool:
    return settings.STATIC_OUTPUT_DIR is not None


def page_changed(instance=None, **kwargs) -> None:
    if _enabled() and instance is not None and instance.pk is not None:
        from masthead.distribution.tasks import static_output_update

        static_output_update.enqueue(page_ids=[instance.pk])


def restriction_changed(instance, **kwargs) -> None:
    """A page given (or freed of) a password or a login: it and every page below it leave
    (or enter) the output, and the listings that showed them change with them."""
    if not _enabled():
        return
    from wagtail.models import Page

    from masthead.distribution.tasks import static_output_update

    page = Page.objects.filter(pk=instance.page_id).first()
    if page is None:
        return  # the page is being deleted: its own signal updates the output
    page_ids = list(Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))
    static_output_update.enqueue(page_ids=page_ids)


def _keys_changed(keys: list[Key], *, created=False, update_fields=None) -> None:
    if not _enabled():
        return
    if update_fields and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    from masthead.distribution.tasks import static_output_update

    static_output_update.enqueue(keys=texts(keys))


def author_changed(instance, created=False, update_fields=None, **kwargs) -> None:
    if not created:
        _keys_changed(
            [Key(Kind.SHOWS_AUTHOR, instance.pk), Key(Kind.AUTHOR, instance.pk)],
            update_fields=update_fields,
        )


def image_changed(instance, created=False, update_fields=None, **kwargs) -> None:
    if not created:
        _keys_changed([Key(Kind.SHOWS_IMAGE, instance.pk)], update_fields=update_fields)


def mirrors_changed(**kwargs) -> None:
    _keys_changed([MIRRORS])


def redirects_changed(**kwargs) -> None:
    _keys_changed([REDIRECTS])


def site_changed(created=False, update_fields=None, **kwargs) -> None:
    """Settings shown on every page (publication, onion address): render everything.

    A settings row created on first read holds the defaults pages were already shown with."""
    if not _enabled() or created or (update_fields and set(update_fields) <= BOOKKEEPING_FIELDS):
        return
    from masthead.distribution.tasks import static_output_rebuild

    static_output_rebuild.enqueue()


def wording_changed(**kwargs) -> None:
    """An edition's wording of the publication (shown on that edition's every page), new or
    changed: render everything."""
    if _enabled():
        from masthead.distribution.tasks import static_output_rebuild

        static_output_rebuild.enqueue()


def origins_changed(**kwargs) -> None:
    from masthead.core.public_forms import allowed_origins_invalidate

    allowed_origins_invalidate()


def worker_started(**kwargs) -> None:
    if _enabled():
        from masthead.distribution.services.render import warm_up

        warm_up()


def connect() -> None:
    from masthead.core.models import PublicationSettings
    from masthead.core.page_cache import invalidate, invalidate_on_change
    from masthead.core.signals import worker_started as worker_started_signal
    from masthead.distribution.models import Mirror, MirrorSettings
    from masthead.distribution.services.render import connect_recording

    connect_recording()
    worker_started_signal.connect(worker_started, dispatch_uid="distribution-worker-started")
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(page_changed, dispatch_uid=f"distribution-{signal}")
    post_delete.connect(
        page_changed, sender="wagtailcore.Page", dispatch_uid="distribution-page-delete"
    )
    for signal in (post_save, post_delete):
        name = "save" if signal is post_save else "delete"
        signal.connect(
            author_changed, sender="publishing.Author", dispatch_uid=f"distribution-author-{name}"
        )
        signal.connect(
            image_changed, sender="wagtailimages.Image", dispatch_uid=f"distribution-image-{name}"
        )
        signal.connect(
            restriction_changed,
            sender="wagtailcore.PageViewRestriction",
            dispatch_uid=f"distribution-restriction-{name}",
        )
        signal.connect(mirrors_changed, sender=Mirror, dispatch_uid=f"distribution-mirror-{name}")
        signal.connect(
            redirects_changed,
            sender="wagtailredirects.Redirect",
            dispatch_uid=f"distribution-redirect-{name}",
        )
        for model in (PublicationSettings, MirrorSettings, "wagtailcore.Site"):
            signal.connect(site_changed, sender=model, dispatch_uid=f"distribution-{model}-{name}")
        signal.connect(
            wording_changed,
            sender="core.PublicationWording",
            dispatch_uid=f"distribution-wording-{name}",
        )
        # Cached pages show the mirrors (mirrors.json) and the onion address (every page).
        # A new mirror changes mirrors.json; a newly created settings row (made on a first
        # render) changes nothing shown.
        signal.connect(invalidate, sender=Mirror, dispatch_uid=f"page-cache-{Mirror}-{name}")
        settings_receiver = invalidate_on_change if signal is post_save else invalidate
        signal.connect(
            settings_receiver,
            sender=MirrorSettings,
            dispatch_uid=f"page-cache-{MirrorSettings}-{name}",
        )
        # Public forms accept posts from the mirrors and the onion address: read them again.
        for model in (Mirror, MirrorSettings):
            signal.connect(
                origins_changed, sender=model, dispatch_uid=f"public-forms-{model}-{name}"
            )
