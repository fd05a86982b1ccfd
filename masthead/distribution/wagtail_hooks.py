from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from masthead.distribution.models import Mirror


class MirrorViewSet(SnippetViewSet):
    model = Mirror
    icon = "globe"
    menu_label = "Mirrors"
    add_to_admin_menu = True
    menu_order = 800
    list_display = ["url", "proto", "type", "active", "created_at"]
    list_filter = ["active", "proto", "type"]


register_snippet(MirrorViewSet)
