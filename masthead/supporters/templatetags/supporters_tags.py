from django import template

from masthead.supporters import selectors
from masthead.supporters.amounts import format_amount
from masthead.supporters.forms import ContributionForm, form_view

register = template.Library()


@register.inclusion_tag("supporters/includes/contribution_form.html", takes_context=True)
def contribution_form(context, campaign: str = "", compact: bool = False) -> dict:
    """The contribution form; the same markup for every reader (nothing per reader in it)."""
    view = context.get("form_view")
    if view is None:
        support = selectors.support_settings(request=context.get("request"))
        form = ContributionForm(options=selectors.form_options(support=support))
        view = form_view(form, campaign=campaign)
    return {"form": view, "compact": compact}


@register.simple_tag(takes_context=True)
def support_minimum(context) -> str:
    """The smallest gift the form takes in the default currency: "from just $2"."""
    support = selectors.support_settings(request=context.get("request"))
    options = selectors.amount_options(support=support)
    minimums = [
        options[(f, support.default_currency)].minimum for f in support.frequencies_enabled
    ] or [200]
    return format_amount(min(minimums), support.default_currency)


@register.inclusion_tag("supporters/includes/method_icon.html")
def method_icon(name: str) -> dict:
    return {"name": name}
