from django import template

from masthead.appeals import reader_revenue

register = template.Library()


@register.simple_tag
def support_page_url() -> str:
    return reader_revenue.support_page_url()
