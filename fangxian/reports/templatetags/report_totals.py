"""{{ value|figure }}: a figure or a Total as the report shows it ("—" for unknown, the
missing units named in an incomplete total)."""

from django import template

from ..totals import Change, Total, total_text

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, Total):
        return total_text(value)
    return str(value)


@register.filter
def missing_names(value) -> str:
    """The names of the units missing from a Total, for a tooltip."""
    return "、".join(value.missing) if isinstance(value, Total) else ""


@register.filter
def change_class(value) -> str:
    if isinstance(value, Change):
        return {"up": "change-up", "down": "change-down"}.get(value.direction, "")
    return ""
