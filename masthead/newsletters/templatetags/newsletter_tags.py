from django import template
from django.utils.translation import get_language

from masthead.core.memo import memo
from masthead.newsletters import selectors

register = template.Library()


@register.simple_tag
def newsletter_signup_lists() -> list:
    """The lists offered in a signup block: the same for every reader of an edition."""
    return memo(
        ("newsletter_signup_lists", get_language()),
        lambda: list(selectors.newsletters_offered()),
    )


@register.simple_tag
def privacy_policy_url() -> str:
    """The privacy policy in the edition being read (``/ru/privacy/``), or the default
    edition's when this one has none: the link in the consent lines."""
    return memo(("newsletter_privacy_url", get_language()), selectors.privacy_policy_path)
