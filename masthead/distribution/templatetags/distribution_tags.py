"""What every public page carries for distribution: its onion address for Tor Browser, the
API origins its forms may post to, and the script that finds one that can be reached."""

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.encoding import escape_uri_path
from django.utils.html import format_html

from masthead.distribution import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def distribution_head(context) -> str:
    request = context.get("request")
    parts = []
    if request is not None:
        onion = selectors.onion_location(path=escape_uri_path(request.path))
        if onion:
            parts.append(format_html('<meta http-equiv="onion-location" content="{}">', onion))
    parts.append(
        format_html('<meta name="masthead:api" content="{}">', " ".join(settings.API_ORIGINS))
    )
    parts.append(format_html('<script src="{}" defer></script>', static("distribution/reach.js")))
    return format_html("\n".join(["{}"] * len(parts)), *parts)
