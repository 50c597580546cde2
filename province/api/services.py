"""Writes of the integration API: registering clients and submitting dossiers for them.

**Who the applicant is.** A client submits for a person it has identified itself (a kiosk
reads the CCCD chip or checks the card; the mobile app has its own sign-in): số định danh,
full name and phone. The API never creates or changes identity data that VNeID asserts:

- a ``Person`` with that số định danh exists → the dossier is theirs, if the full name
  given matches the one on record (compared without case and diacritics; otherwise 422,
  so a mistyped number cannot drop a dossier into a stranger's account). Nothing of the
  person is changed; the phone, e-mail and address given are kept on the dossier only
  (``applicant_info``), as the portal does with a submission's contact details;
- none exists → a minimal *unverified* person is created (number and name only,
  ``verified=False``, identification level 0). When that human later signs in with VNeID,
  the sign-in finds them by số định danh and overwrites the name and every identity field
  with VNeID's, and the dossier appears under "Quản lý hồ sơ đã nộp".

The risks are in docs/api.md ("Applicant"): a client (or a stolen client secret) can file
dossiers in the name of anyone whose number and name it knows, and they then show in that
person's account; clients are registered by the province, hold only the scopes they need,
are rate-limited, and every submission is audited with the client's id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from oauth2_provider.models import get_application_model

from province.accounts.identity_numbers import id_number_errors
from province.accounts.models import Person
from province.accounts.services import RequestInfo, audit
from province.catalogue.models import Agency, OnlineLevel, Procedure, ProcedureDocument
from province.catalogue.text import collapse_spaces, fold
from province.dossiers import services as dossier_services
from province.dossiers.files import FileRejected, check_content
from province.dossiers.models import Channel, Dossier
from province.notify.sms import InvalidPhoneNumber, normalise_phone

from .errors import ApiError
from .models import ApiClient, ClientSubmission, known_scopes
from .schemas import SubmitIn

IDEMPOTENCY_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._-]{3,100}$")
KIND_CHANNELS = {
    ApiClient.Kind.KIOSK: Channel.IN_PERSON,
    ApiClient.Kind.MOBILE_APP: Channel.ONLINE,
    ApiClient.Kind.NATIONAL_PORTAL: Channel.ONLINE,
    ApiClient.Kind.OTHER: Channel.ONLINE,
}


# --- clients -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientCredentials:
    client: ApiClient
    client_id: str
    client_secret: str


def api_client_save(
    *,
    name: str,
    kind: str,
    scopes: list[str],
    client_id: str = "",
    client_secret: str = "",
    rate_per_minute: int = 0,
) -> ClientCredentials:
    """Register a client (or update the one with ``client_id``): a confidential
    client-credentials application whose secret is stored hashed. Without ``client_secret``
    a random one is made; it is returned once and cannot be read back."""
    if kind not in ApiClient.Kind.values:
        raise ValueError(f"kind must be one of {', '.join(ApiClient.Kind.values)}")
    known = known_scopes()
    if not scopes or set(scopes) - set(known):
        raise ValueError(f"scopes must be some of {', '.join(known)} (got {' '.join(scopes) or 'none'})")
    if client_id and not CLIENT_ID_RE.match(client_id):
        raise ValueError("client id: 3–100 characters of A-Z a-z 0-9 . _ -")
    if client_secret and len(client_secret) < 16:
        raise ValueError("the secret must be at least 16 characters")
    secret = client_secret or secrets.token_urlsafe(32)
    model = get_application_model()
    with transaction.atomic():
        application = model.objects.filter(client_id=client_id).first() if client_id else None
        if application is None:
            application = model(client_id=client_id) if client_id else model()
        application.name = name
        application.client_type = model.CLIENT_CONFIDENTIAL
        application.authorization_grant_type = model.GRANT_CLIENT_CREDENTIALS
        application.client_secret = secret
        application.hash_client_secret = True
        application.save()
        client = ApiClient.objects.filter(application=application).first() or ApiClient(application=application)
        before = {"name": client.name, "scopes": client.scopes, "is_active": client.is_active} if client.pk else None
        client.name = name
        client.kind = kind
        client.channel = KIND_CHANNELS[ApiClient.Kind(kind)]
        client.scopes = " ".join(sorted(set(scopes)))
        client.rate_per_minute = rate_per_minute
        client.is_active = True
        client.save()
        audit(
            actor=None,
            action="api.client_saved",
            target=client,
            before=before,
            after={"client_id": application.client_id, "name": name, "scopes": client.scopes, "kind": kind},
        )
    return ClientCredentials(client=client, client_id=application.client_id, client_secret=secret)


def api_client_deactivate(*, client_id: str) -> ApiClient:
    """Stop a client: no new tokens, and its tokens stop working at once."""
    client = ApiClient.objects.select_related("application").get(application__client_id=client_id)
    with transaction.atomic():
        client.is_active = False
        client.save(update_fields=["is_active", "updated_at"])
        client.application.accesstoken_set.all().delete()
        audit(actor=None, action="api.client_deactivated", target=client, after={"client_id": client_id})
    return client


# --- submission ----------------------------------------------------------------------------


def _fingerprint(payload: SubmitIn) -> str:
    canonical = json.dumps(payload.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _replay(existing: ClientSubmission, fingerprint: str) -> Dossier:
    if existing.request_sha256 != fingerprint:
        raise ApiError(
            409,
            "idempotency_conflict",
            _("Khoá Idempotency-Key này đã được dùng cho một yêu cầu nộp hồ sơ khác."),
        )
    return existing.dossier


@dataclass(frozen=True)
class _Checked:
    procedure: Procedure
    agency: Agency | None
    phone: str
    documents: list[dossier_services.DocumentInput]


def _check(payload: SubmitIn, *, channel: int) -> _Checked:
    """Everything that can be checked before a person or a dossier is touched; 422 with
    every problem found, keyed as the request names the fields."""
    errors: dict[str, list[str]] = {}
    procedure = Procedure.objects.filter(code=payload.procedure, is_active=True).first()
    if procedure is None:
        errors["procedure"] = [_("Không tìm thấy thủ tục đang áp dụng với mã này.")]
    elif channel == Channel.ONLINE and procedure.online_level not in (OnlineLevel.FULL, OnlineLevel.PARTIAL):
        errors["procedure"] = [_("Thủ tục này không nộp được trực tuyến.")]
    agency = None
    if payload.agency:
        agency = Agency.objects.filter(code=payload.agency, is_active=True).first()
        if agency is None:
            errors["agency"] = [_("Không tìm thấy cơ quan tiếp nhận với mã này.")]
    applicant = payload.applicant
    number_errors = id_number_errors(applicant.id_number)
    if number_errors:
        errors["applicant.id_number"] = number_errors
    if not collapse_spaces(applicant.full_name):
        errors["applicant.full_name"] = [_("Họ và tên không được bỏ trống.")]
    phone = ""
    try:
        phone = normalise_phone(applicant.phone)
    except InvalidPhoneNumber:
        errors["applicant.phone"] = [_("Số điện thoại di động không hợp lệ (ví dụ: 0912345678).")]
    if _has_nul(payload.form):
        errors["form"] = [_("Dữ liệu biểu mẫu chứa ký tự không hợp lệ.")]
    documents: list[dossier_services.DocumentInput] = []
    own_documents = {d.pk: d for d in procedure.documents.all()} if procedure else {}
    for position, item in enumerate(payload.documents):
        key = f"documents.{position}"
        procedure_document: ProcedureDocument | None = None
        if item.document_id is not None and procedure is not None:
            procedure_document = own_documents.get(item.document_id)
            if procedure_document is None:
                errors.setdefault(key, []).append(_("Giấy tờ không thuộc thủ tục này."))
                continue
        try:
            content = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError):
            errors.setdefault(key, []).append(_("Nội dung tệp phải được mã hoá base64."))
            continue
        try:
            checked = check_content(content, item.name)
        except FileRejected as exc:
            errors.setdefault(key, []).append(str(exc))
            continue
        documents.append(dossier_services.DocumentInput(file=checked, procedure_document=procedure_document))
    if errors or procedure is None:
        raise ApiError(422, "invalid", _("Hồ sơ chưa hợp lệ."), fields=errors)
    return _Checked(procedure=procedure, agency=agency, phone=phone, documents=documents)


def _applicant(*, client: ApiClient, id_number: str, full_name: str, request_info: RequestInfo | None) -> Person:
    name = collapse_spaces(full_name)
    person = Person.objects.filter(id_number=id_number).first()
    if person is None:
        try:
            with transaction.atomic():
                person = Person.objects.create_user(full_name=name, id_number=id_number, verified=False)
                audit(
                    actor=None,
                    action="person.created_by_api_client",
                    target=person,
                    after={"client_id": client.application.client_id, "verified": False},
                    request_info=request_info,
                )
                return person
        except IntegrityError:
            # created meanwhile by a concurrent submission for the same number
            person = Person.objects.get(id_number=id_number)
    if fold(collapse_spaces(person.full_name)) != fold(name):
        raise ApiError(
            422,
            "invalid",
            _("Hồ sơ chưa hợp lệ."),
            fields={"applicant.full_name": [_("Họ và tên không khớp với số định danh cá nhân.")]},
        )
    return person


def client_dossier_submit(
    *,
    client: ApiClient,
    payload: SubmitIn,
    idempotency_key: str,
    request_info: RequestInfo | None,
) -> tuple[Dossier, bool]:
    """Submit ``payload`` for ``client`` through ``dossiers.services.dossier_submit`` (same
    checks, numbering, calendar, files, timeline and notices); ``(dossier, created)``.
    The same key with the same request returns the dossier already made (``created`` is
    False); with another request it is a 409. Raises ``ApiError``."""
    if not IDEMPOTENCY_KEY_RE.match(idempotency_key):
        raise ApiError(
            400,
            "idempotency_key",
            _("Thiếu hoặc sai tiêu đề Idempotency-Key (8–64 ký tự A-Z, a-z, 0-9, _ hoặc -)."),
        )
    fingerprint = _fingerprint(payload)
    existing = ClientSubmission.objects.select_related("dossier").filter(client=client, idempotency_key=idempotency_key)
    found = existing.first()
    if found is not None:
        return _replay(found, fingerprint), False
    checked = _check(payload, channel=client.channel)
    # The service's own idempotency is per applicant: the derived key keeps clients apart.
    service_key = "api-" + hashlib.sha256(f"{client.pk}:{idempotency_key}".encode()).hexdigest()[:40]
    try:
        with transaction.atomic():
            person = _applicant(
                client=client,
                id_number=payload.applicant.id_number,
                full_name=payload.applicant.full_name,
                request_info=request_info,
            )
            try:
                dossier = dossier_services.dossier_submit(
                    applicant=person,
                    organisation=None,
                    procedure=checked.procedure,
                    form_data=payload.form,
                    documents=checked.documents,
                    delivery=dossier_services.DeliveryInput(
                        method=payload.delivery.method, address=payload.delivery.address
                    ),
                    idempotency_key=service_key,
                    request_info=request_info,
                    contact=dossier_services.Contact(
                        phone=checked.phone, email=payload.applicant.email, address=payload.applicant.address
                    ),
                    agency=checked.agency,
                    channel=Channel(client.channel),
                )
            except dossier_services.DossierInvalid as exc:
                raise ApiError(422, "invalid", _("Hồ sơ chưa hợp lệ."), fields=_field_names(exc.errors)) from exc
            ClientSubmission.objects.create(
                client=client, dossier=dossier, idempotency_key=idempotency_key, request_sha256=fingerprint
            )
            audit(
                actor=None,
                action="api.dossier_submit",
                target=dossier,
                after={"client_id": client.application.client_id, "code": dossier.code, "channel": client.channel},
                request_info=request_info,
            )
    except IntegrityError:
        found = existing.first()
        if found is None:
            raise
        return _replay(found, fingerprint), False
    return dossier, True


def _field_names(errors: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """The service's error keys as the request names them: e-form fields under ``form.``,
    a missing required document ``doc-<id>`` as ``documents``/``document_id``."""
    renamed: dict[str, list[str]] = {}
    for key, messages in errors.items():
        if key.startswith("doc-"):
            name = "documents"
        elif key in ("__all__", "documents"):
            name = key
        elif key == "delivery":
            name = "delivery.method"
        elif key == "delivery_address":
            name = "delivery.address"
        else:
            name = f"form.{key}"
        renamed.setdefault(name, []).extend(messages)
    return renamed
