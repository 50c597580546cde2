"""The officers' dossier pages under /motcua/ho-so/: work queues, quick lookup by code,
the dossier (documents, timeline, hand-offs, the actions allowed now), the actions, forms
01–07 as PDF and the officer's warnings. Every dossier is looked up within the officer's
unit: another unit's dossier is a 404. Writes go through ``province.dossiers.workflow``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from province.accounts.services import RequestInfo
from province.dossiers import pdf_forms, queues, selectors, workflow
from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.files import FileRejected, check_upload
from province.dossiers.models import Dossier, DossierDocument, Extension, Handoff, OfficerAlert
from province.dossiers.receipt import receipt_pdf

from .access import officer_of, officer_required
from .dossier_forms import FORMS, ActionForm, RegisterForm
from .models import OfficerAccount, Role
from .views import _page


def _dossier(request: HttpRequest, code: str) -> Dossier:
    dossier = queues.dossier_for_officer(officer=officer_of(request), code=code)
    if dossier is None:
        raise Http404
    return dossier


def _cursor(text: str) -> queues.Cursor | None:
    """``<iso date or ->_<id>`` → cursor; anything else is the first page."""
    stamp, _sep, pk = text.rpartition("_")
    if not pk.isdigit():
        return None
    if stamp == "-":
        return None, int(pk)
    try:
        at = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)), int(pk)


def _cursor_text(cursor: queues.Cursor) -> str:
    at, pk = cursor
    return f"{at.astimezone(dt.UTC).isoformat() if at else '-'}_{pk}"


@officer_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    officer = officer_of(request)
    key = request.GET.get("hang") or queues.DEFAULT_QUEUE.get(Role(officer.role), "dang-xu-ly")
    if key not in queues.QUEUE_KEYS:
        raise Http404
    now = timezone.now()
    rows, next_cursor = queues.queue_page(officer=officer, key=key, after=_cursor(request.GET.get("sau", "")), now=now)
    counts = queues.queue_counts(officer=officer, now=now)
    tabs = [
        {"key": q.key, "label": q.label, "count": counts[q.key], "capped": counts[q.key] > queues.COUNT_CAP}
        for q in queues.QUEUES
    ]
    next_url = ""
    if next_cursor is not None:
        next_url = "?" + urlencode({"hang": key, "sau": _cursor_text(next_cursor)})
    return _page(
        request,
        "backoffice/dossiers/queue.html",
        {
            "tabs": tabs,
            "current": queues.QUEUE_KEYS[key],
            "rows": queues.queue_page_rows(rows, by_finished=queues.QUEUE_KEYS[key].by_finished, now=now),
            "next_url": next_url,
            "is_first": not request.GET.get("sau"),
            "alerts": queues.officer_alerts(officer=officer),
            "cap": queues.COUNT_CAP,
            "register_form": RegisterForm(),
        },
    )


@officer_required
@require_GET
def quick_lookup(request: HttpRequest) -> HttpResponse:
    """ "Tra cứu nhanh hồ sơ": straight to the dossier when the unit holds it."""
    code = request.GET.get("ma", "").strip()
    if code:
        dossier = queues.dossier_for_officer(officer=officer_of(request), code=code)
        if dossier is not None:
            return redirect("backoffice:dossier", code=dossier.code)
        messages.error(request, _("Không tìm thấy hồ sơ %(code)s trong đơn vị của bạn.") % {"code": code[:60]})
    return redirect("backoffice:dossiers")


def _action_forms(dossier: Dossier, officer: OfficerAccount) -> list[dict[str, Any]]:
    forms = []
    for action in workflow.allowed_actions(dossier=dossier, role=officer.role, officer=officer):
        form_class = FORMS.get(action.key)
        if form_class is None:
            continue
        forms.append(
            {
                "action": action,
                "form": form_class(officer=officer, prefix=action.key, initial={"version": dossier.version}),
                "multipart": action.key == "return_result",
            }
        )
    return forms


@officer_required
@require_GET
def detail(request: HttpRequest, code: str) -> HttpResponse:
    officer = officer_of(request)
    dossier = _dossier(request, code)
    forms_ready = ["01"] if dossier.received_at else []
    statuses = set(dossier.events.values_list("to_status", flat=True))
    for number, status in (("02", 5), ("03", 3), ("05", 8)):
        if status in statuses:
            forms_ready.append(number)
    return _page(
        request,
        "backoffice/dossiers/detail.html",
        {
            "dossier": dossier,
            "documents": dossier.documents.all(),
            "timeline": selectors.timeline(dossier.pk, notes=True),
            "handoffs": Handoff.objects.filter(dossier=dossier).select_related("unit", "officer__person"),
            "extensions": Extension.objects.filter(dossier=dossier),
            "actions": _action_forms(dossier, officer),
            "held_by_another": workflow.held_by_another(dossier=dossier, officer=officer),
            "forms_ready": forms_ready,
            "now": timezone.now(),
            "running": [int(s) for s in workflow.RUNNING],
        },
    )


@officer_required
@require_GET
def document(request: HttpRequest, code: str, pk: int) -> FileResponse:
    dossier = _dossier(request, code)
    doc = DossierDocument.objects.filter(dossier=dossier, pk=pk).first()
    if doc is None:
        raise Http404
    return FileResponse(
        doc.file.open("rb"), as_attachment=True, filename=doc.original_name, content_type=doc.content_type
    )


def _run_action(request: HttpRequest, dossier: Dossier, key: str, form: ActionForm) -> None:
    officer = officer_of(request)
    data = form.cleaned_data
    common: dict[str, Any] = {
        "dossier": dossier,
        "officer": officer,
        "version": data["version"],
        "request_info": RequestInfo.from_request(request),
    }
    if key == "receive":
        workflow.dossier_receive(**common)
    elif key == "reject":
        workflow.dossier_reject(**common, reason=data["reason"])
    elif key == "request_supplement":
        workflow.dossier_request_supplement(
            **common, documents=data["documents"].splitlines(), deadline=data["deadline"], note=data["note"]
        )
    elif key == "assign":
        workflow.dossier_assign(**common, to_officer=data["to_officer"], to_unit=data["to_unit"], note=data["note"])
    elif key == "interconnect":
        workflow.dossier_interconnect(**common, agency=data["agency"], note=data["note"])
    elif key == "request_payment":
        workflow.dossier_request_payment(**common, amount=data["amount"], note=data["note"])
    elif key == "confirm_payment":
        workflow.dossier_confirm_payment(**common)
    elif key == "submit_for_approval":
        workflow.dossier_submit_for_approval(**common, note=data["note"])
    elif key == "send_back":
        workflow.dossier_send_back(**common, reason=data["reason"])
    elif key == "approve":
        workflow.dossier_approve(**common, note=data["note"])
    elif key == "stop":
        workflow.dossier_stop(**common, reason=data["reason"])
    elif key == "extend":
        workflow.dossier_extend(**common, reason=data["reason"], new_due=data["new_due"])
    elif key == "return_result":
        checked = check_upload(data["file"])
        workflow.dossier_return_result(
            **common,
            documents=[
                workflow.ResultDocument(
                    file=checked,
                    title=data["title"],
                    reference_number=data["reference_number"],
                    signed_by=data["signed_by"],
                    signed_on=data["signed_on"],
                )
            ],
        )
    else:  # pragma: no cover - FORMS and this list are the same keys
        raise Http404


@officer_required
@require_POST
def action(request: HttpRequest, code: str, key: str) -> HttpResponseRedirect:
    officer = officer_of(request)
    dossier = _dossier(request, code)
    form_class = FORMS.get(key)
    if form_class is None or key not in workflow.ACTIONS:
        raise Http404
    form = form_class(request.POST, request.FILES, officer=officer, prefix=key)
    target = reverse("backoffice:dossier", kwargs={"code": dossier.code})
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return HttpResponseRedirect(target)
    try:
        _run_action(request, dossier, key, form)
    except workflow.DossierNotFound as exc:
        raise Http404 from exc
    except (workflow.WorkflowError, FileRejected) as exc:
        messages.error(request, str(getattr(exc, "message", exc)))
        return HttpResponseRedirect(target)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": workflow.ACTIONS[key].label})
    return HttpResponseRedirect(target)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@officer_required
@require_GET
def form_pdf(request: HttpRequest, code: str, number: str) -> HttpResponse:
    dossier = _dossier(request, code)
    if number == "01" and dossier.received_at:
        content = receipt_pdf(dossier)
    elif number == "02":
        content = pdf_forms.form02_pdf(dossier)
    elif number == "03":
        content = pdf_forms.form03_pdf(dossier)
    elif number == "05":
        content = pdf_forms.form05_pdf(dossier)
    elif number == "06":
        content = pdf_forms.form06_pdf(dossier)
    elif number == "04":
        extension = Extension.objects.filter(dossier=dossier).order_by("-created_at").first()
        if extension is None:
            raise Http404
        content = pdf_forms.form04_pdf(extension)
    else:
        raise Http404
    return _pdf(content, f"mau-{number}-{dossier.code}.pdf")


@officer_required
@require_GET
def register_pdf(request: HttpRequest) -> HttpResponse:
    """Form 07, "Sổ theo dõi hồ sơ", of the officer's unit for a period."""
    form = RegisterForm(request.GET)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("backoffice:dossiers")
    officer = officer_of(request)
    start, end = form.cleaned_data["tu"], form.cleaned_data["den"]
    content = pdf_forms.form07_pdf(unit=officer.unit, start=start, end=end)
    return _pdf(content, f"so-theo-doi-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


@officer_required
@require_POST
def alert_read(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    OfficerAlert.objects.filter(pk=pk, account=officer_of(request), read_at__isnull=True).update(read_at=timezone.now())
    return HttpResponseRedirect(reverse("backoffice:dossiers"))


def local_date(value: dt.datetime | None) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%d/%m/%Y %H:%M") if value else "—"
