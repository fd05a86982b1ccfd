from django import template

register = template.Library()


@register.filter
def percent(value: float) -> str:
    """0.01234 → 1.23 %"""
    try:
        return f"{float(value) * 100:.2f}\u00a0%"
    except (TypeError, ValueError):
        return "—"
