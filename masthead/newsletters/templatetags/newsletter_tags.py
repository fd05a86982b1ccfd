from django import template

from masthead.newsletters import selectors

register = template.Library()


@register.simple_tag
def newsletter_signup_lists() -> list:
    """The lists offered in a signup block: the same for every reader."""
    return list(selectors.newsletters_public())
