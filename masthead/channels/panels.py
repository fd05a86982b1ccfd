"""The "Channels" panel on an article's Promote tab: "post to channels", and each post's
status and link, with a way to post again."""

from __future__ import annotations

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel


class ChannelPostsPanel(Panel):
    class BoundPanel(Panel.BoundPanel):
        template_name = "channels/panel.html"

        def get_context_data(self, parent_context=None):
            from masthead.channels.selectors import channel_statuses

            context = super().get_context_data(parent_context)
            page_id = getattr(self.instance, "pk", None)
            context["page_id"] = page_id
            context["statuses"] = channel_statuses(page_id=page_id) if page_id else []
            return context


def attach() -> None:
    """Add the panel to the article's edit form (publishing, below us, knows nothing of it)."""
    from masthead.publishing.models import ArticlePage

    ArticlePage.promote_panels = [
        *ArticlePage.promote_panels,
        MultiFieldPanel([FieldPanel("post_to_channels"), ChannelPostsPanel()], heading="Channels"),
    ]
