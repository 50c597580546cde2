"""Pages of online submission ("Nộp qua mạng"), the public lookup ("Tra cứu hồ sơ") and the
applicant's own dossiers ("Quản lý hồ sơ đã nộp"). Views stay thin: writes go through
``services``, reads through ``selectors``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from province.accounts.models import Organisation, Person
from province.accounts.services import RequestInfo
from province.catalogue import eforms
from province.catalogue.models import Procedure
from province.datastore import selectors as datastore_selectors
from province.sso.services import acting_organisation_id

from . import selectors, services
from .files import CheckedFile, FileRejected, check_content, check_upload
from .models import Delivery, Dossier, DossierDocument, Draft, DraftFile, Status
from .pdf_forms import form04_pdf
from .receipt import receipt_pdf

STEPS: tuple[tuple[str, str], ...] = (
    ("chon-thu-tuc", "Chọn thủ tục"),
    ("nguoi-nop", "Thông tin người nộp"),
    ("bieu-mau", "Biểu mẫu điện tử"),
    ("giay-to", "Giấy tờ"),
    ("nhan-ket-qua", "Hình thức nhận kết quả"),
    ("xem-lai", "Xem lại và nộp"),
)
STEP_KEYS = [key for key, _label in STEPS]
PAGE_SIZE = 20


def _person(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)  # guaranteed by @login_required
    return user


def _owner(request: HttpRequest) -> selectors.Owner:
    return selectors.Owner(person_id=_person(request).pk, organisation_id=acting_organisation_id(request))


def _steps(current: str, draft: Draft | None = None) -> list[dict[str, Any]]:
    """The progress indicator; a step is marked done when the draft holds its answers."""
    done = {
        "chon-thu-tuc": draft is not None,
        "nguoi-nop": bool(draft and draft.contact),
        "bieu-mau": bool(draft and draft.form_data),
        "giay-to": bool(draft and draft.files.exists()),
        "nhan-ket-qua": bool(draft and draft.delivery),
        "xem-lai": False,
    }
    return [
        {"key": key, "label": _(label), "current": key == current, "done": done[key] and key != current}
        for key, label in STEPS
    ]


def _draft(request: HttpRequest, public_id: str) -> Draft:
    draft = (
        selectors.Owner(person_id=_person(request).pk, organisation_id=acting_organisation_id(request))
        .drafts()
        .select_related("procedure")
        .filter(public_id=public_id)
        .first()
    )
    if draft is None:
        raise Http404
    return draft


def _procedure_or_404(code: str) -> Procedure:
    procedure = selectors.online_procedures().filter(code=code).first()
    if procedure is None:
        raise Http404
    return procedure


def _schema(procedure: Procedure) -> list[dict[str, Any]]:
    version = procedure.form_versions.filter(is_current=True).first()
    return list(version.schema) if version else []


# --- Nộp qua mạng -----------------------------------------------------------------


@require_GET
def online_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.online_procedures().order_by("sort_key", "code"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "dossiers/online_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def submit_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = _procedure_or_404(code)
    owner = _owner(request)
    existing = owner.drafts().filter(procedure=procedure).order_by("-updated_at").first()
    agencies = list(procedure.agencies.filter(is_active=True).order_by("code"))
    chosen = existing.agency_id if existing else None
    error = ""
    if request.method == "POST":
        raw = request.POST.get("agency", "")
        picked = next((a for a in agencies if str(a.pk) == raw), None)
        if picked is None and not raw:
            # one agency only, or resuming a draft that has one: no choice to make
            if len(agencies) == 1:
                picked = agencies[0]
            elif existing is not None:
                picked = next((a for a in agencies if a.pk == existing.agency_id), None)
        if picked is None:
            error = _("Chọn cơ quan tiếp nhận hồ sơ.")
        else:
            draft = existing or Draft(
                applicant=_person(request), organisation_id=owner.organisation_id, procedure=procedure
            )
            draft.agency = picked
            draft.save()
            return redirect("dossiers:draft_step", public_id=draft.public_id, step="nguoi-nop")
    return render(
        request,
        "dossiers/step_start.html",
        {
            "procedure": procedure,
            "existing": existing,
            "agencies": agencies,
            "chosen": chosen,
            "error": error,
            "steps": _steps("chon-thu-tuc", existing),
        },
        status=400 if error else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def draft_step(request: HttpRequest, public_id: str, step: str) -> HttpResponse:
    owner = _owner(request)
    used = (
        Draft.objects.filter(public_id=public_id, applicant_id=owner.person_id, dossier__isnull=False)
        .select_related("dossier")
        .first()
    )
    if used is not None and used.dossier is not None and used.organisation_id == owner.organisation_id:
        # already submitted (a second click, the back button): show the result, never resubmit
        return redirect("dossiers:submitted", code=used.dossier.code)
    draft = _draft(request, public_id)
    handlers = {
        "nguoi-nop": _step_applicant,
        "bieu-mau": _step_eform,
        "giay-to": _step_documents,
        "nhan-ket-qua": _step_delivery,
        "xem-lai": _step_review,
    }
    handler = handlers.get(step)
    if handler is None:
        raise Http404
    return handler(request, draft)


def _next(draft: Draft, step: str) -> HttpResponse:
    following = STEP_KEYS[STEP_KEYS.index(step) + 1]
    return redirect("dossiers:draft_step", public_id=draft.public_id, step=following)


def _render_step(request: HttpRequest, draft: Draft, step: str, context: dict[str, Any]) -> HttpResponse:
    index = STEP_KEYS.index(step)
    previous = STEP_KEYS[index - 1] if index > 1 else None
    base = {
        "draft": draft,
        "procedure": draft.procedure,
        "steps": _steps(step, draft),
        "step": step,
        "previous": previous,
    }
    status = 400 if context.get("errors") else 200
    return render(request, f"dossiers/step_{step.replace('-', '_')}.html", {**base, **context}, status=status)


def _step_applicant(request: HttpRequest, draft: Draft) -> HttpResponse:
    person = _person(request)
    organisation = Organisation.objects.filter(pk=draft.organisation_id).first() if draft.organisation_id else None
    contact = {
        "phone": draft.contact.get("phone", person.notify_phone or person.phone),
        "email": draft.contact.get("email", person.email or person.identity_email),
        "address": draft.contact.get("address", person.correspondence_address or person.current_address),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        from province.notify.sms import InvalidPhoneNumber, normalise_phone

        contact = {k: request.POST.get(k, "").strip()[:300] for k in ("phone", "email", "address")}
        try:
            contact["phone"] = normalise_phone(contact["phone"])
        except InvalidPhoneNumber:
            errors["phone"] = _("Nhập số điện thoại di động Việt Nam (10 chữ số), dùng để tra cứu và nhận tin nhắn.")
        if contact["email"] and ("@" not in contact["email"] or len(contact["email"]) > 254):
            errors["email"] = _("Địa chỉ thư điện tử không hợp lệ.")
        if not errors:
            draft.contact = contact
            draft.save(update_fields=["contact", "updated_at"])
            return _next(draft, "nguoi-nop")
    return _render_step(
        request,
        draft,
        "nguoi-nop",
        {"person": person, "organisation": organisation, "contact": contact, "errors": errors},
    )


def _eform_fields(
    schema: list[dict[str, Any]], values: dict[str, Any], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    fields = []
    for field in schema:
        fields.append(
            {
                **field,
                "id": f"f-{field['name']}",
                "value": values.get(field["name"], ""),
                "errors": errors.get(field["name"], []),
                "pairs": eforms.choice_pairs(field) if field.get("type") == "select" else [],
            }
        )
    return fields


def _step_eform(request: HttpRequest, draft: Draft) -> HttpResponse:
    schema = _schema(draft.procedure)
    values: dict[str, Any] = dict(draft.form_data)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {f["name"]: request.POST.get(f["name"], "")[:5000] for f in schema}
        _cleaned, errors = eforms.validate_data(schema, values)
        draft.form_data = values
        draft.save(update_fields=["form_data", "updated_at"])
        if not errors:
            return _next(draft, "bieu-mau")
    return _render_step(request, draft, "bieu-mau", {"fields": _eform_fields(schema, values, errors), "errors": errors})


def _document_rows(draft: Draft, errors: dict[str, str]) -> list[dict[str, Any]]:
    files = {f.procedure_document_id: f for f in draft.files.all()}
    return [
        {"document": doc, "file": files.get(doc.pk), "error": errors.get(f"doc-{doc.pk}", ""), "name": f"doc-{doc.pk}"}
        for doc in draft.procedure.documents.all()
    ]


def _step_documents(request: HttpRequest, draft: Draft) -> HttpResponse:
    errors: dict[str, str] = {}
    if request.method == "POST":
        remove = request.POST.get("remove", "")
        if remove.isdigit():
            for old in draft.files.filter(pk=remove):
                old.file.delete(save=False)
                old.delete()
            return redirect("dossiers:draft_step", public_id=draft.public_id, step="giay-to")
        store = datastore_selectors.documents_of(person_id=draft.applicant_id, organisation_id=draft.organisation_id)
        for doc in draft.procedure.documents.all():
            upload = request.FILES.get(f"doc-{doc.pk}")
            picked = request.POST.get(f"store-{doc.pk}", "").strip()
            source_id: int | None = None
            try:
                if upload is not None:
                    checked = check_upload(upload)
                elif picked:
                    stored = store.filter(pk=int(picked)).first() if picked.isdigit() else None
                    if stored is None:
                        errors[f"doc-{doc.pk}"] = _("Giấy tờ đã chọn không có trong kho dữ liệu của bạn.")
                        continue
                    with stored.file.open("rb") as handle:
                        checked = check_content(handle.read(), stored.original_name)
                    source_id = stored.pk
                else:
                    continue
            except FileRejected as exc:
                errors[f"doc-{doc.pk}"] = str(exc)
                continue
            for old in draft.files.filter(procedure_document=doc):
                old.file.delete(save=False)
                old.delete()
            row = DraftFile(
                draft=draft,
                procedure_document=doc,
                original_name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                source_document_id=source_id,
            )
            row.file.save(checked.name, ContentFile(checked.content), save=False)
            row.save()
        if not errors:
            given = set(draft.files.values_list("procedure_document_id", flat=True))
            for doc in draft.procedure.documents.filter(required=True):
                if doc.pk not in given:
                    errors[f"doc-{doc.pk}"] = _("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": doc.name}
        if not errors:
            draft.save(update_fields=["updated_at"])
            return _next(draft, "giay-to")
    return _render_step(
        request,
        draft,
        "giay-to",
        {
            "rows": _document_rows(draft, errors),
            "errors": errors,
            "max_mb": settings.DOSSIER_MAX_UPLOAD_BYTES // 2**20,
            "store": datastore_selectors.documents_of(
                person_id=draft.applicant_id, organisation_id=draft.organisation_id
            ).order_by("-created_at")[:100],
        },
    )


def _step_delivery(request: HttpRequest, draft: Draft) -> HttpResponse:
    delivery = {
        "method": draft.delivery.get("method", Delivery.AT_AGENCY),
        "address": draft.delivery.get("address", ""),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        delivery = {"method": request.POST.get("method", ""), "address": request.POST.get("address", "").strip()[:500]}
        if delivery["method"] not in Delivery.values:
            errors["method"] = _("Chọn hình thức nhận kết quả.")
        elif delivery["method"] == Delivery.POST and not delivery["address"]:
            errors["address"] = _("Nhập địa chỉ nhận kết quả qua bưu chính.")
        if not errors:
            draft.delivery = delivery
            draft.save(update_fields=["delivery", "updated_at"])
            return _next(draft, "nhan-ket-qua")
    return _render_step(
        request, draft, "nhan-ket-qua", {"delivery": delivery, "choices": Delivery.choices, "errors": errors}
    )


def _draft_documents(draft: Draft) -> list[services.DocumentInput]:
    inputs = []
    for row in draft.files.select_related("procedure_document"):
        with row.file.open("rb") as handle:
            content = handle.read()
        checked = CheckedFile(
            content=content, name=row.original_name, content_type=row.content_type, size=row.size, sha256=row.sha256
        )
        inputs.append(
            services.DocumentInput(
                file=checked, procedure_document=row.procedure_document, source_document_id=row.source_document_id
            )
        )
    return inputs


def _step_review(request: HttpRequest, draft: Draft) -> HttpResponse:
    schema = _schema(draft.procedure)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        person = _person(request)
        organisation = Organisation.objects.filter(pk=draft.organisation_id).first() if draft.organisation_id else None
        try:
            dossier = services.dossier_submit(
                applicant=person,
                organisation=organisation,
                procedure=draft.procedure,
                form_data=draft.form_data,
                documents=_draft_documents(draft),
                delivery=services.DeliveryInput(
                    method=draft.delivery.get("method", ""), address=draft.delivery.get("address", "")
                ),
                idempotency_key=draft.public_id.hex,
                request_info=RequestInfo.from_request(request),
                contact=services.Contact(**{k: draft.contact.get(k, "") for k in ("phone", "email", "address")}),
                agency=draft.agency,
            )
        except services.DossierInvalid as exc:
            errors = exc.errors
        else:
            draft.dossier = dossier
            draft.save(update_fields=["dossier", "updated_at"])
            for row in draft.files.all():
                row.file.delete(save=False)
            draft.files.all().delete()
            return redirect("dossiers:submitted", code=dossier.code)
    values = draft.form_data
    summary = [{"label": f["label"], "value": _display_value(f, values.get(f["name"], ""))} for f in schema]
    return _render_step(
        request,
        draft,
        "xem-lai",
        {
            "summary": summary,
            "files": draft.files.select_related("procedure_document"),
            "delivery_label": dict(Delivery.choices).get(draft.delivery.get("method", ""), ""),
            "errors": errors,
            "error_list": [m for ms in errors.values() for m in ms],
        },
    )


def _display_value(field: dict[str, Any], value: Any) -> str:
    if field.get("type") == "select":
        return dict(eforms.choice_pairs(field)).get(str(value), str(value))
    if field.get("type") == "checkbox":
        return _("Có") if value in ("on", True) else _("Không")
    return str(value)


@login_required
@require_GET
def draft_list(request: HttpRequest) -> HttpResponse:
    drafts = _owner(request).drafts().select_related("procedure").order_by("-updated_at")[:100]
    return render(request, "dossiers/draft_list.html", {"drafts": drafts})


@login_required
@require_POST
def draft_delete(request: HttpRequest, public_id: str) -> HttpResponse:
    draft = _draft(request, public_id)
    for row in draft.files.all():
        row.file.delete(save=False)
    draft.delete()
    messages.success(request, _("Đã xóa hồ sơ nháp."))
    return redirect("dossiers:drafts")


# --- Quản lý hồ sơ đã nộp -----------------------------------------------------------


def _own_dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = selectors.dossier_for_owner(owner=_owner(request), code=code)
    if dossier is None:
        raise Http404
    return dossier


@login_required
@require_GET
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "dossiers/submitted.html", {"dossier": _own_dossier(request, code)})


def _parse_cursor(raw: str) -> tuple[dt.datetime, int] | None:
    try:
        stamp, pk = raw.rsplit("_", 1)
        at = dt.datetime.fromisoformat(stamp)
        return (at, int(pk)) if at.tzinfo else None
    except ValueError:
        return None


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    status_raw = request.GET.get("trang_thai", "")
    status = int(status_raw) if status_raw.isdigit() and int(status_raw) in Status.values else None
    query = request.GET.get("q", "").strip()[:100]
    after = _parse_cursor(request.GET.get("sau", ""))
    rows = selectors.dossier_list(owner=_owner(request), status=status, query=query, after=after, limit=PAGE_SIZE + 1)
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    next_cursor = f"{rows[-1].submitted_at.isoformat()}_{rows[-1].pk}" if more and rows else ""
    return render(
        request,
        "dossiers/dossier_list.html",
        {
            "dossiers": rows,
            "statuses": Status.choices,
            "status": status,
            "query": query,
            "next_cursor": next_cursor,
            "paged": after is not None,
        },
    )


@login_required
@require_GET
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    return render(
        request,
        "dossiers/dossier_detail.html",
        {
            "dossier": dossier,
            "timeline": selectors.timeline(dossier.pk, notes=True),
            "documents": dossier.documents.filter(is_result=False).select_related("procedure_document"),
            "results": dossier.documents.filter(is_result=True),
            "can_withdraw": dossier.status in services.WITHDRAWABLE,
            "can_supplement": dossier.status == Status.SUPPLEMENT_REQUESTED,
            "extensions": dossier.extensions.all(),
        },
    )


@login_required
@require_GET
def dossier_extension_pdf(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Form 04, "Văn bản xin lỗi và đề nghị gia hạn", as the applicant received it."""
    dossier = _own_dossier(request, code)
    extension = get_object_or_404(dossier.extensions, pk=pk)
    response = HttpResponse(form04_pdf(extension), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="van-ban-xin-loi-{extension.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dossier_receipt(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    response = HttpResponse(receipt_pdf(dossier), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def dossier_document(request: HttpRequest, code: str, pk: int) -> FileResponse:
    dossier = _own_dossier(request, code)
    document = get_object_or_404(DossierDocument, dossier=dossier, pk=pk)
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
def dossier_withdraw(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    try:
        services.dossier_withdraw(
            dossier=dossier,
            actor=_person(request),
            reason=request.POST.get("reason", "")[:1000],
            request_info=RequestInfo.from_request(request),
        )
    except services.TransitionNotAllowed:
        messages.error(request, _("Hồ sơ ở trạng thái hiện tại không thể rút."))
    else:
        messages.success(request, _("Đã gửi yêu cầu rút hồ sơ."))
    return redirect("dossiers:detail", code=dossier.code)


@login_required
@require_POST
def dossier_supplement(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _own_dossier(request, code)
    documents: list[services.DocumentInput] = []
    try:
        for upload in request.FILES.getlist("files")[:20]:
            documents.append(services.DocumentInput(file=check_upload(upload)))
        services.dossier_supplement(
            dossier=dossier,
            actor=_person(request),
            documents=documents,
            note=request.POST.get("note", "")[:1000],
            request_info=RequestInfo.from_request(request),
        )
    except FileRejected as exc:
        messages.error(request, str(exc))
    except services.DossierInvalid as exc:
        messages.error(request, str(exc))
    except services.TransitionNotAllowed:
        messages.error(request, _("Hồ sơ không ở trạng thái yêu cầu bổ sung."))
    else:
        messages.success(request, _("Đã gửi giấy tờ bổ sung."))
    return redirect("dossiers:detail", code=dossier.code)


# --- Tra cứu hồ sơ (public) ----------------------------------------------------------


def _rate_limited(request: HttpRequest) -> bool:
    return services.lookup_rate_limited(client_key=request.META.get("REMOTE_ADDR", ""))


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip()[:60]
    context: dict[str, Any] = {"code": code}
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "").strip()[:60]
        digits = request.POST.get("phone_digits", "").strip()
        context["code"] = code
        if _rate_limited(request):
            context["error"] = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 15 phút.")
            status = 429
        else:
            dossier = selectors.dossier_public_lookup(code=code, phone_digits=digits)
            if dossier is None:
                context["error"] = _("Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại đã nhập.")
                status = 404
            else:
                context["dossier"] = dossier
                context["timeline"] = dossier.timeline
    return render(request, "dossiers/lookup.html", context, status=status)
