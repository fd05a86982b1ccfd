from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def passkeys_enabled() -> bool:
    """For Wagtail's sign-in page, whose context we do not build."""
    return settings.PASSKEYS_ENABLED
