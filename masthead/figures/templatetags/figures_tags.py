from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.http import urlencode

register = template.Library()


@register.simple_tag(takes_context=True)
def figures_scripts(context) -> str:
    """The beacon queue (shared with appeals.js) and the figures beacon. Editors' previews
    are not counted."""
    request = context.get("request")
    queue = format_html('<script src="{}" defer></script>', static("masthead/queue.js"))
    if request is not None and getattr(request, "is_preview", False):
        return queue
    return queue + format_html('<script src="{}" defer></script>', static("figures/figures.js"))


@register.simple_tag(takes_context=True)
def figures_noscript(context, path: str = "") -> str:
    """Counts the view of a reader without JavaScript (no reader estimated, no referrer)."""
    request = context.get("request")
    if request is None or getattr(request, "is_preview", False):
        return ""
    query = urlencode({"p": path or request.path, "l": context.get("LANGUAGE_CODE") or ""})
    return format_html(
        '<noscript><img class="figures-pixel" src="/figures/pixel.gif?{}" alt="" width="1" '
        'height="1"></noscript>',
        query,
    )
