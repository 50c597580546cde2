from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from province.catalogue.text import tokens

from .models import Article

MAX_QUERY_TOKENS = 8


def visible() -> QuerySet[Article]:
    """Published articles whose publish date has come."""
    return Article.objects.filter(published_at__isnull=False, published_at__lte=timezone.now()).order_by(
        "-published_at", "-id"
    )


def search(query: str) -> QuerySet[Article]:
    """Every word of ``query``, with or without diacritics, in the title, summary or body."""
    rows = visible()
    for token in tokens(query)[:MAX_QUERY_TOKENS]:
        rows = rows.filter(search_text__contains=token)
    return rows
