"""Kho dữ liệu: list, upload, detail, download and delete of the owner's documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from province.accounts.models import Organisation, Person
from province.accounts.services import RequestInfo
from province.dossiers.files import FileRejected, check_upload
from province.sso.services import acting_organisation_id

from . import selectors, services
from .models import StoredDocument

LIST_LIMIT = 200


def _person(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)  # guaranteed by @login_required
    return user


def _documents(request: HttpRequest) -> Any:
    return selectors.documents_of(person_id=_person(request).pk, organisation_id=acting_organisation_id(request))


def _own(request: HttpRequest, pk: int) -> StoredDocument:
    document = _documents(request).filter(pk=pk).first()
    if document is None:
        raise Http404
    assert isinstance(document, StoredDocument)
    return document


def _date(raw: str, errors: dict[str, str], name: str) -> dt.date | None:
    raw = raw.strip()
    if not raw:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            # a calendar date, no time zone involved
            return dt.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    errors[name] = _("Ngày không hợp lệ (dd/mm/yyyy).")
    return None


@login_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest) -> HttpResponse:
    errors: dict[str, str] = {}
    values = {
        k: request.POST.get(k, "").strip() for k in ("title", "reference_number", "issuer", "issued_on", "valid_until")
    }
    if request.method == "POST":
        if not values["title"]:
            errors["title"] = _("Tên giấy tờ không được bỏ trống.")
        issued_on = _date(values["issued_on"], errors, "issued_on")
        valid_until = _date(values["valid_until"], errors, "valid_until")
        upload = request.FILES.get("file")
        checked = None
        if upload is None:
            errors["file"] = _("Chọn tệp cần tải lên.")
        else:
            try:
                checked = check_upload(upload)
            except FileRejected as exc:
                errors["file"] = str(exc)
        if not errors and checked is not None:
            org_id = acting_organisation_id(request)
            services.datastore_add(
                actor=_person(request),
                organisation=Organisation.objects.get(pk=org_id) if org_id else None,
                file=checked,
                title=values["title"],
                reference_number=values["reference_number"],
                issuer=values["issuer"],
                issued_on=issued_on,
                valid_until=valid_until,
                request_info=RequestInfo.from_request(request),
            )
            messages.success(request, _("Đã thêm giấy tờ vào kho dữ liệu."))
            return redirect("datastore:list")
    documents = _documents(request).order_by("-created_at", "-id")[:LIST_LIMIT]
    return render(
        request,
        "datastore/document_list.html",
        {"documents": documents, "errors": errors, "values": values},
        status=400 if errors else 200,
    )


@login_required
@require_GET
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "datastore/document_detail.html", {"document": _own(request, pk)})


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    document = _own(request, pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.datastore_delete(
        document=_own(request, pk), actor=_person(request), request_info=RequestInfo.from_request(request)
    )
    messages.success(request, _("Đã xóa giấy tờ khỏi kho dữ liệu."))
    return redirect("datastore:list")
