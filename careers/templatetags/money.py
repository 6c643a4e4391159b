from django import template

from careers.charts import format_usd

register = template.Library()


@register.filter
def usd(amount: int | float | None) -> str:
    """{{ 132326|usd }} -> "$132,326"; nothing for a missing figure."""
    return format_usd(amount)
