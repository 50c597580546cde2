"""Writes on news: every save goes through ``article_prepare`` (sanitised body, search text)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile

from province.backoffice.images import clean_image
from province.catalogue.text import search_text

from . import richtext
from .models import Article


def article_prepare(article: Article) -> Article:
    """Clean the body with the allow-list and refresh the search column (call before saving)."""
    article.body = richtext.clean(article.body)
    article.title = article.title.strip()
    article.summary = article.summary.strip()
    article.search_text = search_text(article.title, article.summary, richtext.plain_text(article.body))
    return article


def article_set_image(article: Article, upload: UploadedFile[bytes]) -> None:
    """Check the upload by content (JPEG or PNG only), re-encode it (dropping metadata and
    anything appended) and store it under a random name. Raises ``ValidationError``."""
    cleaned: ContentFile[bytes] = clean_image(upload)
    article.image.save(cleaned.name or "image.jpg", cleaned, save=False)
