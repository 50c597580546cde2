"""Writes on dossiers: submission, withdrawal, supplements. Every state change writes a
``DossierEvent`` and an audit row in its transaction; notifications leave after commit."""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from province.accounts.models import Organisation, Person
from province.accounts.services import RequestInfo, audit
from province.backoffice.models import Unit
from province.catalogue import eforms
from province.catalogue.models import Agency, Procedure, ProcedureDocument, ProcedureFormVersion
from province.ops import ratelimit

from . import notifications, workflow
from .calendar import LOCAL_TZ, add_working_days
from .files import CheckedFile
from .models import AgencyDayCounter, Channel, Delivery, Dossier, DossierDocument, DossierEvent, Status
from .signals import status_changed

logger = logging.getLogger(__name__)

WITHDRAWABLE = frozenset({Status.NEW, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED})
_IDEMPOTENCY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
LOOKUP_WINDOW_SECONDS = 15 * 60


class DossierInvalid(Exception):
    """The submission cannot be accepted: ``errors`` maps a field (or ``__all__``,
    ``documents``, ``doc-<id>``) to messages for the user."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = dict(errors)


# The citizen's actions are refused like the officers' (workflow.ACTIONS).
TransitionNotAllowed = workflow.ActionNotAllowed


@dataclass(frozen=True)
class DocumentInput:
    file: CheckedFile
    procedure_document: ProcedureDocument | None = None
    source_document_id: int | None = None


@dataclass(frozen=True)
class DeliveryInput:
    method: str
    address: str = ""


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class _Notice:
    sms_to: str
    email_to: str
    subject: str
    body: str
    extra: dict[str, Any] = field(default_factory=dict)


def lookup_digest(code: str, phone_digits: str) -> str:
    """What ``Dossier.lookup_secret`` holds for a code and the last four phone digits."""
    message = f"{code}:{phone_digits}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def last_four_digits(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def lookup_rate_limited(*, client_key: str) -> bool:
    """Count one public-lookup attempt by ``client_key`` (the caller's IP address); True
    once more than ``DOSSIER_LOOKUP_RATE`` were made in the current 15-minute window. The
    page and the API share the counter, so using both does not double anyone's allowance."""
    return ratelimit.hit(
        "dossier-lookup", client_key, limit=settings.DOSSIER_LOOKUP_RATE, window=LOOKUP_WINDOW_SECONDS
    ).limited


def allocate_code(*, agency: Agency, day: Any) -> str:
    """The next code ``{agency}-{yyMMdd}-{NNNN}``; call inside the submit transaction.

    One upsert (``INSERT … ON CONFLICT DO UPDATE … RETURNING``) creates the agency's row
    for the day or increments it, and leaves the row locked until the transaction ends: on
    PostgreSQL a concurrent submission to the same agency waits for the commit and then
    increments the committed value, so any number of processes get consecutive numbers;
    on SQLite the IMMEDIATE transaction mode (settings) serialises writers instead.
    """
    assert transaction.get_connection().in_atomic_block, "allocate_code needs a transaction"
    table = connection.ops.quote_name(AgencyDayCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 (table name from the model)
            f"ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [agency.pk, day],
        )
        (last,) = cursor.fetchone()
    return f"{agency.code}-{day:%y%m%d}-{last:04d}"


def _receiving_agency(procedure: Procedure, agency: Agency | None) -> Agency:
    agencies = procedure.agencies.filter(is_active=True)
    if agency is not None:
        if not agencies.filter(pk=agency.pk).exists():
            raise DossierInvalid({"__all__": [_("Cơ quan tiếp nhận không thực hiện thủ tục này.")]})
        return agency
    chosen = agencies.order_by("code").first()
    if chosen is None:
        raise DossierInvalid({"__all__": [_("Thủ tục chưa có cơ quan tiếp nhận hồ sơ trực tuyến.")]})
    return chosen


def validate_documents(procedure: Procedure, documents: Sequence[DocumentInput]) -> dict[str, list[str]]:
    """Missing required documents, and files attached to another procedure's documents."""
    errors: dict[str, list[str]] = {}
    own = {d.pk: d for d in procedure.documents.all()}
    given = {d.procedure_document.pk for d in documents if d.procedure_document is not None}
    for doc in documents:
        if doc.procedure_document is not None and doc.procedure_document.pk not in own:
            errors.setdefault("documents", []).append(_("Giấy tờ không thuộc thủ tục này."))
    for pk, wanted in own.items():
        if wanted.required and pk not in given:
            errors[f"doc-{pk}"] = [_("Thiếu giấy tờ bắt buộc: %(name)s.") % {"name": wanted.name}]
    return errors


def validate_form(
    procedure: Procedure, form_data: Mapping[str, Any]
) -> tuple[ProcedureFormVersion | None, dict[str, Any], dict[str, list[str]]]:
    version = procedure.form_versions.filter(is_current=True).first()
    if version is None:
        return None, {}, {}
    cleaned, errors = eforms.validate_data(version.schema, form_data)
    return version, cleaned, errors


def _jsonable_form(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in cleaned.items():
        if isinstance(value, Decimal):
            out[key] = str(value)
        elif hasattr(value, "isoformat"):
            out[key] = value.isoformat()
        else:
            out[key] = value
    return out


def _applicant_info(applicant: Person, organisation: Organisation | None, contact: Contact) -> dict[str, Any]:
    info: dict[str, Any] = {
        "full_name": applicant.full_name,
        "id_number": applicant.id_number or applicant.cmnd or "",
        "birth_date": applicant.birth_date.isoformat() if applicant.birth_date else "",
        "permanent_address": applicant.permanent_address,
        "phone": contact.phone or applicant.notify_phone or applicant.phone,
        "email": contact.email or applicant.email or applicant.identity_email,
        "address": contact.address or applicant.correspondence_address or applicant.current_address,
    }
    if organisation is not None:
        info["organisation"] = {"name": organisation.name, "business_code": organisation.business_code}
    return info


def dossier_submit(
    *,
    applicant: Person,
    organisation: Organisation | None,
    procedure: Procedure,
    form_data: Mapping[str, Any],
    documents: Sequence[DocumentInput],
    delivery: DeliveryInput,
    idempotency_key: str,
    request_info: RequestInfo | None,
    contact: Contact | None = None,
    agency: Agency | None = None,
    channel: Channel = Channel.ONLINE,
) -> Dossier:
    """Submit an online dossier in one transaction: validates the e-form and the required
    documents, numbers the dossier, counts the due date on the working-day calendar,
    stores the files privately, writes the timeline and the audit row, and queues the
    SMS/e-mail notice. The same ``idempotency_key`` from the same applicant returns the
    dossier already created (a double click never makes two). ``channel`` is the national
    channel code (a kiosk of the integration API submits "trực tiếp"). Raises
    ``DossierInvalid``."""
    if not _IDEMPOTENCY_RE.match(idempotency_key):
        raise ValueError("idempotency_key must be 8–64 characters of [A-Za-z0-9_-]")
    existing = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    contact = contact or Contact()
    errors: dict[str, list[str]] = {}
    if not procedure.is_active:
        errors["__all__"] = [_("Thủ tục này không còn áp dụng.")]
    if organisation is not None and not organisation.memberships.filter(person=applicant).exists():
        raise PermissionError("the applicant does not represent this organisation")
    version, cleaned, form_errors = validate_form(procedure, form_data)
    errors.update(form_errors)
    errors.update(validate_documents(procedure, documents))
    if delivery.method not in Delivery.values:
        errors["delivery"] = [_("Chọn hình thức nhận kết quả.")]
    elif delivery.method == Delivery.POST and not delivery.address.strip():
        errors["delivery_address"] = [_("Nhập địa chỉ nhận kết quả qua bưu chính.")]
    receiving = None
    if not errors:
        try:
            receiving = _receiving_agency(procedure, agency)
        except DossierInvalid as exc:
            errors.update(exc.errors)
    if errors or receiving is None:
        raise DossierInvalid(errors)

    info = _applicant_info(applicant, organisation, contact)
    now = timezone.now()
    # The files are written (and fsync'ed) before the transaction: the agency's counter row
    # stays locked from allocate_code to the commit, and disk flushes inside that window
    # would serialise every submission to the agency behind them.
    stored = _write_files(documents, now)
    try:
        with transaction.atomic():
            code = allocate_code(agency=receiving, day=now.astimezone(LOCAL_TZ).date())
            days = procedure.processing_days
            dossier = Dossier.objects.create(
                code=code,
                procedure=procedure,
                form_version=version,
                applicant=applicant,
                organisation=organisation,
                agency=receiving,
                status=Status.NEW,
                channel=channel,
                form_data=_jsonable_form(cleaned),
                applicant_info=info,
                delivery=delivery.method,
                delivery_address=delivery.address.strip() if delivery.method == Delivery.POST else "",
                submitted_at=now,
                # provisional: the legal due date is counted from reception (workflow.dossier_receive)
                due_at=add_working_days(now, days) if days is not None else None,
                unit=Unit.objects.filter(agency=receiving).first(),
                lookup_secret=lookup_digest(code, last_four_digits(info["phone"])),
                idempotency_key=idempotency_key,
            )
            _store_documents(dossier, documents, stored=stored)
            event = DossierEvent.objects.create(
                dossier=dossier,
                at=now,
                actor=applicant,
                from_status=None,
                to_status=Status.NEW,
                note=_("Nộp hồ sơ trực tuyến") if channel == Channel.ONLINE else _("Tiếp nhận hồ sơ trực tiếp"),
            )
            status_changed.send(
                sender=Dossier, dossier=dossier, from_status=None, to_status=int(Status.NEW), at=now, actor=applicant
            )
            audit(
                actor=applicant,
                action="dossier_submit",
                target=dossier,
                after={"code": code, "procedure": procedure.code, "agency": receiving.code, "status": Status.NEW},
                organisation=organisation,
                request_info=request_info,
            )
            _queue_notice(dossier, event)
    except BaseException as exc:
        for name in stored:  # not referenced by any committed row
            DossierDocument._meta.get_field("file").storage.delete(name)
        if isinstance(exc, IntegrityError):
            existing = Dossier.objects.filter(applicant=applicant, idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    logger.info("dossier_submitted code=%s procedure=%s", dossier.code, procedure.code)
    return dossier


def _write_files(documents: Sequence[DocumentInput], submitted_at: Any) -> list[str]:
    """Write the documents' files where a dossier submitted at ``submitted_at`` keeps them;
    returns the stored names, in order."""
    field = DossierDocument._meta.get_field("file")
    placeholder = DossierDocument(dossier=Dossier(submitted_at=submitted_at))
    names = []
    for doc in documents:
        name = field.generate_filename(placeholder, doc.file.name)
        names.append(field.storage.save(name, ContentFile(doc.file.content)))
    return names


def _store_documents(
    dossier: Dossier, documents: Sequence[DocumentInput], *, stored: Sequence[str] | None = None
) -> None:
    """The dossier's document rows (one INSERT); the files are written here unless
    ``stored`` names the ones already written by ``_write_files`` (same order)."""
    rows = []
    for index, doc in enumerate(documents):
        row = DossierDocument(
            dossier=dossier,
            procedure_document=doc.procedure_document,
            original_name=doc.file.name,
            content_type=doc.file.content_type,
            size=doc.file.size,
            sha256=doc.file.sha256,
            source_document_id=doc.source_document_id,
        )
        if stored is not None:
            row.file.name = stored[index]
        else:
            row.file.save(doc.file.name, ContentFile(doc.file.content), save=False)
        rows.append(row)
    DossierDocument.objects.bulk_create(rows)


def _queue_notice(dossier: Dossier, event: DossierEvent) -> None:
    due = dossier.due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if dossier.due_at else _("theo quy định")
    subject = _("Hồ sơ %(code)s đã được nộp") % {"code": dossier.code}
    text = _("Hồ sơ %(code)s (%(procedure)s) đã được nộp trực tuyến. Ngày hẹn trả kết quả dự kiến: %(due)s.") % {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "due": due,
    }
    sms = _("Hồ sơ %(code)s đã được nộp trực tuyến. Ngày hẹn trả kết quả dự kiến: %(due)s.") % {
        "code": dossier.code,
        "due": due,
    }
    notifications.queue_for_applicant(
        dossier=dossier, event_key=f"event:{event.pk}", subject=subject, body=text, sms_body=sms, new_event=True
    )


def notifications_send(*, ids: Iterable[int] | None = None) -> int:
    """Send pending notifications whose retry time has come (those given, or all).
    Returns how many were sent."""
    if ids is None:
        return notifications.notifications_send_due()
    return sum(1 for pk in ids if notifications.notification_deliver(notification_id=pk))


def dossier_withdraw(*, dossier: Dossier, actor: Person, reason: str, request_info: RequestInfo | None) -> Dossier:
    """The citizen withdraws the dossier (status 7); allowed in statuses 1, 2, 4 and 5 only.
    Raises ``TransitionNotAllowed`` otherwise."""
    note = reason.strip() or _("Công dân yêu cầu rút hồ sơ")

    def apply(locked: Dossier, now: Any) -> workflow.Change:
        locked.paused_at = None
        workflow.close_handoffs(locked, now)
        return workflow.Change(
            note=note,
            notice=(
                _("Hồ sơ %(code)s đã được rút") % {"code": locked.code},
                _("Hồ sơ %(code)s đã được rút theo yêu cầu của bạn.") % {"code": locked.code},
            ),
        )

    with transaction.atomic():
        return workflow.transition(
            dossier=dossier, action="withdraw", citizen=actor, request_info=request_info, apply=apply
        )


def dossier_supplement(
    *,
    dossier: Dossier,
    actor: Person,
    documents: Sequence[DocumentInput],
    note: str,
    request_info: RequestInfo | None,
) -> Dossier:
    """The citizen answers a supplement request (status 5) with documents: back to 4."""
    if not documents:
        raise DossierInvalid({"documents": [_("Hãy đính kèm giấy tờ được yêu cầu bổ sung.")]})
    back_to: list[int] = []

    def apply(locked: Dossier, now: Any) -> workflow.Change:
        back_to.append(workflow.supplement_resume(locked, now))
        return workflow.Change(note=note.strip() or _("Công dân bổ sung giấy tờ"))

    with transaction.atomic():
        status = Dossier.objects.filter(pk=dossier.pk).values_list("paused_from", flat=True).first()
        updated = workflow.transition(
            dossier=dossier,
            action="supplement",
            citizen=actor,
            request_info=request_info,
            apply=apply,
            to_status=int(status or Status.PROCESSING),
        )
        _store_documents(updated, documents)
    return updated
