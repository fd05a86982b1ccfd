"""The Newsletters menu in the Wagtail admin: lists, editions, subscribers, suppressions,
and the activity log."""

from __future__ import annotations

import django_filters
from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import path
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import HeaderButton, ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    DeleteView,
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from masthead.core.editions import editions_enabled
from masthead.newsletters.models import (
    AuditEntry,
    Edition,
    Newsletter,
    Subscriber,
    Subscription,
    Suppression,
)
from masthead.newsletters.services import exports
from masthead.newsletters.services.subscriptions import ERASURE_STATEMENT, subscriber_erase


@hooks.register("register_admin_urls")
def register_admin_urls():
    # Imported here, when the admin's addresses are built, not at start-up: the send page
    # brings in the whole sending machinery (DKIM signing, DNS), which builds and commands
    # never use.
    from masthead.newsletters import admin_views

    return [
        path(
            "newsletters/editions/<int:pk>/send/",
            admin_views.edition_send_page,
            name="newsletters_edition_send",
        ),
        path(
            "newsletters/editions/<int:pk>/email/",
            admin_views.edition_email,
            name="newsletters_edition_email",
        ),
    ]


# --- Newsletters ----------------------------------------------------------------------------


# A list's language is worth showing when the site has more than one (``core.editions``):
# with one language the form, the listing and its filters stay as they were.


class NewsletterForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not editions_enabled():
            del self.fields["language"]  # its FieldPanel hides itself; the default is kept


class NewsletterFilterSet(WagtailFilterSet):
    class Meta:
        model = Newsletter
        fields = ["language"]


class NewsletterIndexView(IndexView):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if editions_enabled():
            self.filterset_class = NewsletterFilterSet

    @cached_property
    def columns(self):
        columns = super().columns
        if editions_enabled():
            columns.insert(1, Column("language", label="Language", accessor="get_language_display"))
        return columns


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    menu_label = "Newsletters"
    index_view_class = NewsletterIndexView
    edit_handler = ObjectList(Newsletter.panels, base_form_class=NewsletterForm)
    list_display = ["name", "cadence", "send_weekday", "send_time", "is_public", "is_default"]
    copy_view_enabled = False


# --- Editions -------------------------------------------------------------------------------


class EditionStatusColumn(Column):
    def get_value(self, instance):
        if instance.status in (Edition.Status.SENDING, Edition.Status.SENT):
            from masthead.newsletters import selectors

            progress = selectors.edition_progress(edition=instance)
            return f"{instance.get_status_display()} — {progress.sent} of {progress.total}"
        if instance.status == Edition.Status.SCHEDULED and instance.scheduled_at:
            return f"Scheduled for {instance.scheduled_at:%a %d %b %H:%M}"
        return instance.get_status_display()


class EditionIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        from masthead.newsletters import admin_views  # see register_admin_urls

        buttons = super().get_list_more_buttons(instance)
        buttons.insert(
            0,
            ListingButton(
                "Preview, test, send" if instance.is_editable else "Progress",
                url=admin_views.send_page_url(instance),
                icon_name="mail",
                priority=5,
            ),
        )
        return buttons


class EditionEditView(EditView):
    def dispatch(self, request, *args, **kwargs):
        from masthead.newsletters import admin_views  # see register_admin_urls

        edition = self.get_object()
        if not edition.is_editable:
            messages.info(
                request, "This edition is being sent or was sent: it can no longer change."
            )
            return redirect(admin_views.send_page_url(edition))
        return super().dispatch(request, *args, **kwargs)

    @property
    def header_buttons(self):
        from masthead.newsletters import admin_views  # see register_admin_urls

        return [
            *super().header_buttons,
            HeaderButton(
                "Preview, test, send", url=admin_views.send_page_url(self.object), icon_name="mail"
            ),
        ]


class EditionViewSet(SnippetViewSet):
    model = Edition
    icon = "doc-full"
    menu_label = "Editions"
    index_view_class = EditionIndexView
    edit_view_class = EditionEditView
    list_display = ["subject", "newsletter", EditionStatusColumn("status", label="Status")]
    list_filter = ["newsletter", "status"]
    search_fields = ["subject"]
    copy_view_enabled = False


# --- Subscribers ----------------------------------------------------------------------------


class SubscriberFilterSet(WagtailFilterSet):
    newsletter = django_filters.ModelChoiceFilter(
        label="List",
        queryset=Newsletter.objects.all(),
        field_name="subscriptions__newsletter",
        distinct=True,
    )
    status = django_filters.ChoiceFilter(
        label="Status on a list",
        choices=Subscription.Status.choices,
        method="filter_status",
    )

    def filter_status(self, queryset, name, value):
        newsletter = self.form.cleaned_data.get("newsletter")
        condition = {"subscriptions__status": value}
        if newsletter:
            condition["subscriptions__newsletter"] = newsletter
        return queryset.filter(**condition).distinct()

    class Meta:
        model = Subscriber
        fields = []


class ListsColumn(Column):
    def get_value(self, instance):
        return "; ".join(
            f"{s.newsletter.name}: {s.get_status_display().lower()}"
            for s in instance.subscriptions.all()
        )


class SubscriberIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("subscriptions__newsletter")

    @cached_property
    def show_export_buttons(self):
        return super().show_export_buttons and self.request.user.has_perm(
            exports.EXPORT_SUBSCRIBERS_PERMISSION
        )

    def render_to_response(self, context, **response_kwargs):
        # Seeing the list (page by page) is "view subscriber"; the whole list as a file is
        # "export subscribers", and leaves a trace.
        if self.is_export:
            if not self.request.user.has_perm(exports.EXPORT_SUBSCRIBERS_PERMISSION):
                # 403, not Wagtail's redirect: the button is hidden, so this is refused as a
                # forged or stale request.
                return HttpResponseForbidden("Exporting subscribers needs its own permission.")
            exports.subscribers_export_record(
                actor=self.request.user,
                rows=context["object_list"].count(),
                file_format=self.request.GET["export"],
                filtered=any(v for k, v in self.request.GET.items() if k != "export"),
            )
        return super().render_to_response(context, **response_kwargs)


class SubscriberDeleteView(DeleteView):
    """Deleting a subscriber is erasure: everything about them goes, and the page says what."""

    erasure_statement = ERASURE_STATEMENT
    success_message = "Erased %(object)s."

    def delete_action(self):
        subscriber_erase(subscriber=self.object, actor=self.request.user)


class SubscriberViewSet(SnippetViewSet):
    model = Subscriber
    icon = "user"
    menu_label = "Subscribers"
    index_view_class = SubscriberIndexView
    delete_view_class = SubscriberDeleteView
    list_display = ["email", ListsColumn("lists", label="Lists"), "created_at"]
    list_export = ["email", "lists_for_export", "created_at"]
    export_headings = {"lists_for_export": "Lists (status, consent time, page)"}
    export_filename = "subscribers"
    filterset_class = SubscriberFilterSet
    search_fields = ["email"]
    search_backend_name = None  # a plain database search: instant, no index to keep
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["email", "created_at", "lists_for_export"]

    @property
    def delete_template_name(self):
        return "newsletters/admin/subscriber_confirm_delete.html"


# --- Suppressions and activity --------------------------------------------------------------


class SuppressionViewSet(SnippetViewSet):
    model = Suppression
    icon = "warning"
    menu_label = "Suppressions"
    list_display = ["email", "reason", "detail", "created_at"]
    list_filter = ["reason"]
    search_fields = ["email"]
    search_backend_name = None
    copy_view_enabled = False


class AuditEntryViewSet(SnippetViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = "Activity"
    list_display = ["at", "action", "actor", "newsletter", "edition", "subscriber"]
    list_filter = ["action", "newsletter"]
    copy_view_enabled = False
    inspect_view_enabled = True


class NewslettersGroup(SnippetViewSetGroup):
    menu_label = "Newsletters"
    menu_icon = "mail"
    menu_order = 250
    items = (
        EditionViewSet,
        NewsletterViewSet,
        SubscriberViewSet,
        SuppressionViewSet,
        AuditEntryViewSet,
    )


register_snippet(NewslettersGroup)


@hooks.register("construct_snippet_listing_buttons")
def _no_edit_for_audit(buttons, instance, user):
    # The activity log is a record: it is read, never edited.
    if isinstance(instance, AuditEntry):
        buttons[:] = [b for b in buttons if getattr(b, "label", "") in ("Inspect",)]
