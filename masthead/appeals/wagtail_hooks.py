"""Appeals in the Wagtail admin: a snippet with its variants inline, live preview of each
variant on a real article, and a results page per appeal."""

from __future__ import annotations

import django_filters
from django.forms import CheckboxSelectMultiple
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import ListingButton
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.appeals import selectors
from masthead.appeals.forms import AppealForm
from masthead.appeals.models import Appeal, language_choices
from masthead.core.editions import editions_enabled


class AppealResultsView(snippet_views.InspectView):
    """Each variant's numbers, conversion rate and revenue per 1,000 views with 95 % intervals,
    and a winner only when the difference is significant."""

    page_title = "Results"
    template_name = "appeals/admin/results.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = selectors.appeal_report(appeal=self.object)
        context["report"] = report
        context["previews"] = [
            (
                row.variant,
                reverse(
                    "appeals:variant-preview",
                    kwargs={"appeal_id": self.object.pk, "variant_key": row.variant.key},
                ),
            )
            for row in report.variants
        ]
        return context


class AppealFilterSet(WagtailFilterSet):
    """Status, placement and audience; the language too when the site has more than one."""

    language = django_filters.ChoiceFilter(label="Language", choices=language_choices)

    class Meta:
        model = Appeal
        fields = ["enabled", "placement", "audience", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not editions_enabled():
            del self.filters["language"]


class AppealIndexView(snippet_views.IndexView):
    @cached_property
    def columns(self):
        columns = super().columns
        if editions_enabled():
            language = Column("language", label="Language", accessor="get_language_display")
            columns = [*columns[:2], language, *columns[2:]]  # after the checkbox and name
        return columns

    def get_list_more_buttons(self, instance):
        buttons = [b for b in super().get_list_more_buttons(instance) if b.label != "Inspect"]
        return buttons

    def get_list_buttons(self, instance):
        buttons = super().get_list_buttons(instance)
        url = self.get_inspect_url(instance)
        if url:
            buttons.insert(0, ListingButton("Results", url=url, icon_name="table", priority=5))
        return buttons


def _placement(appeal: Appeal) -> str:
    return appeal.get_placement_display()


def _status(appeal: Appeal) -> str:
    return "switched on" if appeal.enabled else "switched off"


class AppealViewSet(SnippetViewSet):
    model = Appeal
    icon = "pick"
    menu_label = "Appeals"
    menu_name = "appeals"
    menu_order = 250
    add_to_admin_menu = True
    inspect_view_enabled = True
    inspect_view_class = AppealResultsView
    index_view_class = AppealIndexView
    list_display = [
        "name",
        Column("placement", label="Placement", accessor=_placement),
        Column("audience", label="Audience", accessor="get_audience_display"),
        Column("enabled", label="Status", accessor=_status),
        "starts_at",
        "ends_at",
        "priority",
    ]
    filterset_class = AppealFilterSet
    search_fields = ["name"]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("name"),
                    FieldPanel("language"),  # left out of the form with one language
                    FieldPanel("enabled"),
                    FieldPanel("placement"),
                    InlinePanel(
                        "variants",
                        label="Variant",
                        min_num=1,
                        heading="Variants (readers are split between them by weight)",
                        panels=[
                            FieldRowPanel([FieldPanel("key"), FieldPanel("weight")]),
                            FieldPanel("heading"),
                            FieldPanel("message"),
                            FieldRowPanel(
                                [
                                    FieldPanel("frequency"),
                                    FieldPanel("amount"),
                                    FieldPanel("currency"),
                                ],
                                heading="Contribution choice",
                            ),
                        ],
                    ),
                ],
                heading="Message",
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("starts_at"), FieldPanel("ends_at")], heading="When"),
                    FieldPanel("audience"),
                    MultiFieldPanel(
                        [
                            FieldRowPanel(
                                [FieldPanel("min_articles"), FieldPanel("min_articles_days")]
                            ),
                            FieldRowPanel([FieldPanel("cap_views"), FieldPanel("cap_days")]),
                        ],
                        heading="Reading and frequency",
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("include_sections", widget=CheckboxSelectMultiple),
                            FieldPanel("exclude_sections", widget=CheckboxSelectMultiple),
                            FieldPanel("include_tags"),
                            FieldPanel("exclude_tags"),
                        ],
                        heading="Where",
                    ),
                    FieldPanel("priority"),
                ],
                heading="Who, where and when",
            ),
        ],
        base_form_class=AppealForm,
    )


register_snippet(AppealViewSet)
