from django import template

from masthead.core.memo import memo
from masthead.newsletters import selectors

register = template.Library()


@register.simple_tag
def newsletter_signup_lists() -> list:
    """The lists offered in a signup block: the same for every reader."""
    return memo("newsletter_signup_lists", lambda: list(selectors.newsletters_public()))
