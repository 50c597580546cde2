"""Display helpers: masked identity numbers, device names, local times."""

from __future__ import annotations

from django import template

from province.accounts.devices import describe_device

register = template.Library()


def _mask(value: str, keep_start: int, keep_end: int) -> str:
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    hidden = len(value) - keep_start - keep_end
    return value[:keep_start] + "*" * hidden + value[len(value) - keep_end :]


@register.filter
def mask_id(value: str | None) -> str:
    """0010*****345 for a 12-digit số định danh; 9-digit CMND keeps 3 + 3."""
    if not value:
        return ""
    return _mask(value, 4 if len(value) == 12 else 3, 3)


@register.filter
def mask_phone(value: str | None) -> str:
    """091****678."""
    if not value:
        return ""
    return _mask(value, 3, 3)


@register.filter
def device(user_agent: str | None) -> str:
    return describe_device(user_agent or "")
