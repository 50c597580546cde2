from __future__ import annotations

import mimetypes

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors

PAGE_SIZE = 10


@require_GET
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    rows = selectors.search(query) if query else selectors.visible()
    page = Paginator(rows.only("title", "slug", "summary", "published_at", "image", "image_alt"), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    return render(request, "news/list.html", {"page": page, "query": query})


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.visible().filter(slug=slug).first()
    if article is None:
        raise Http404
    return render(request, "news/detail.html", {"article": article})


@require_GET
def article_image(request: HttpRequest, slug: str) -> FileResponse:
    """The image of a visible article (stored privately: drafts' images are not served)."""
    article = selectors.visible().filter(slug=slug).first()
    if article is None or not article.image:
        raise Http404
    content_type = mimetypes.guess_type(article.image.name or "")[0] or "application/octet-stream"
    if content_type not in ("image/jpeg", "image/png"):
        raise Http404
    response = FileResponse(article.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
