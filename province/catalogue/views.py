"""Public pages of the catalogue: the list with search and filters, a procedure, its templates."""

from __future__ import annotations

import mimetypes
import re
from pathlib import PurePosixPath

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from . import selectors
from .forms import ProcedureSearchForm
from .models import Procedure, ProcedureDocument
from .text import fold

PAGE_SIZE = 20
# The catalogue holds a few hundred procedures per province: page numbers are fine, and the
# cap stops crawlers from asking for page 10**9.
MAX_PAGES = 200


@require_GET
def procedure_list(request: HttpRequest) -> HttpResponse:
    form = ProcedureSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    results = selectors.procedure_search(
        query=filters.get("q") or "",
        field_id=filters.get("field"),
        agency_id=filters.get("agency"),
        level=filters.get("level") or None,
        online_level=filters.get("online_level") or None,
    )
    paginator = Paginator(results, PAGE_SIZE)
    page_number = request.GET.get("page") or 1
    try:
        page_number = min(int(page_number), MAX_PAGES)
    except (TypeError, ValueError):
        page_number = 1
    page = paginator.get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/procedure_list.html",
        {"form": form, "page": page, "count": paginator.count, "querystring": query.urlencode()},
    )


def _submit_url(procedure: Procedure) -> str | None:
    """The online submission page, once the dossiers app provides ``dossiers:submit_start``."""
    try:
        return reverse("dossiers:submit_start", kwargs={"code": procedure.code})
    except NoReverseMatch:
        return None


@require_GET
def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    procedure = selectors.procedure_get_active(code=code)
    if procedure is None:
        raise Http404
    return render(
        request,
        "catalogue/procedure_detail.html",
        {"procedure": procedure, "submit_url": _submit_url(procedure)},
    )


def download_filename(document: ProcedureDocument) -> str:
    """An ASCII file name from the document's name and the stored extension: no path, quotes
    or control characters can reach the Content-Disposition header."""
    suffix = PurePosixPath(document.template.name or "").suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ""
    stem = slugify(fold(document.name))[:80].strip("-") or "mau"
    return f"{stem}{suffix}"


@require_GET
def document_template(request: HttpRequest, code: str, document_id: int) -> FileResponse:
    document = selectors.document_for_download(code=code, document_id=document_id)
    if document is None:
        raise Http404
    try:
        handle = document.template.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    filename = download_filename(document)
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
