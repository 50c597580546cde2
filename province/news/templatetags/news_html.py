from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from .. import richtext

register = template.Library()


@register.filter
def clean_html(value: str) -> SafeString:
    """Render stored rich text: sanitised again with the allow-list, then marked safe."""
    # safe: the allow-list has just been applied
    return mark_safe(richtext.clean(value or ""))
