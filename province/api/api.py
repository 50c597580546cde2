"""The integration API, version 1 (``/api/v1/``): catalogue, public lookup, and for OAuth2
clients submission, status and the national portal's sync feed. docs/api.md is the guide;
``/api/v1/openapi.json`` the contract; ``/api/v1/docs`` the Swagger UI, served from
django-ninja's own static files (no CDN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import NinjaAPI
from ninja import Status as ApiStatus
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.params import HeaderEx, P, QueryEx
from ninja.renderers import JSONRenderer

from province.accounts.services import RequestInfo
from province.catalogue import selectors as catalogue
from province.catalogue.models import Agency, Field, Level, OnlineLevel, Procedure
from province.catalogue.selectors import decimal_text
from province.catalogue.text import search_text, tokens
from province.dossiers import selectors as dossier_selectors
from province.dossiers import services as dossier_services
from province.dossiers.models import Dossier, Status

from . import selectors, services
from .auth import AnonymousRate, ClientToken, client_address, has_scope, unauthorized
from .errors import ApiError, ErrorBody
from .models import ApiClient
from .schemas import (
    NO_NUL,
    AgencyOut,
    AgencyPage,
    Code,
    DocumentOut,
    DossierOut,
    EventOut,
    FieldOut,
    FormOut,
    LookupIn,
    NamedRef,
    ProcedureDetail,
    ProcedurePage,
    ProcedureSummary,
    PublicDossier,
    SubmitIn,
    SyncItem,
    SyncPage,
    TimelineEntry,
)

DESCRIPTION = """API tích hợp của Hệ thống thông tin giải quyết thủ tục hành chính tỉnh.

Every error has the body `{"error": {"code", "message", "fields"}}`; messages are Vietnamese.
Status codes 1–10 and channels 1–3 are those of the national portal (DOMAIN.md §5).
Clients get a token with OAuth2 client credentials at `/api/oauth/token/`. Guide: docs/api.md."""


class Utf8Json(JSONRenderer):
    """JSON as UTF-8 text: Vietnamese stays readable (``Hồ sơ``, not ``H\\u1ed3 s\\u01a1``)."""

    json_dumps_params: Mapping[str, Any] = {"ensure_ascii": False}


class ProvinceApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        return str(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        # ninja lists each operation's scheme without scopes; ``openapi_extra`` adds the one
        # with them (see _security): keep only that one
        for path in schema["paths"].values():
            for operation in path.values():
                requirements = operation.get("security") or []
                scoped = [r for r in requirements if any(r.values())]
                if scoped:
                    operation["security"] = scoped
        return schema


api = ProvinceApi(
    title="Cổng Dịch vụ công tỉnh — API tích hợp",
    version="1.0.0",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    renderer=Utf8Json(),
)

PUBLIC_ERRORS: dict[int, Any] = {400: ErrorBody, 422: ErrorBody, 429: ErrorBody}
CLIENT_ERRORS: dict[int, Any] = {400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 422: ErrorBody, 429: ErrorBody}
MAX_PAGE_SIZE = 100
IDEMPOTENCY_HELP = "Khoá chống nộp trùng, duy nhất cho mỗi hồ sơ của ứng dụng: 8–64 ký tự A-Z a-z 0-9 _ -"
IDEMPOTENCY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"


def _security(*scopes: str) -> dict[str, Any]:
    return {"security": [{"ClientToken": list(scopes)}]}


# --- errors ---------------------------------------------------------------------------------


def _error(request: HttpRequest, error: ApiError) -> HttpResponse:
    response = api.create_response(request, error.body(), status=error.status)
    for name, value in error.headers.items():
        response[name] = value
    return response


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return _error(request, exc)


_PYDANTIC_MESSAGES = {
    "missing": gettext_noop("Trường này là bắt buộc."),
    "string_too_long": gettext_noop("Giá trị quá dài."),
    "string_too_short": gettext_noop("Giá trị quá ngắn hoặc bị bỏ trống."),
    "string_pattern_mismatch": gettext_noop("Giá trị không đúng định dạng."),
    "string_type": gettext_noop("Phải là một chuỗi ký tự."),
    "int_parsing": gettext_noop("Phải là một số nguyên."),
    "int_type": gettext_noop("Phải là một số nguyên."),
    "greater_than_equal": gettext_noop("Giá trị quá nhỏ."),
    "less_than_equal": gettext_noop("Giá trị quá lớn."),
    "too_long": gettext_noop("Quá nhiều phần tử."),
    "json_invalid": gettext_noop("Nội dung JSON không hợp lệ."),
}


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in exc.errors:
        location = [str(part) for part in item.get("loc", ())]
        # ninja's locations start with where (body, query, header, path) and the parameter
        # name; the request's own names are what follows
        if location[:1] == ["body"] and len(location) > 2:
            location = location[2:]
        elif len(location) > 1:
            location = location[1:]
        name = ".".join(location) or "__all__"
        message = _PYDANTIC_MESSAGES.get(str(item.get("type", "")), "Giá trị không hợp lệ.")
        fields.setdefault(name, []).append(_(message))
    return _error(request, ApiError(422, "invalid", _("Yêu cầu chưa hợp lệ."), fields=fields))


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, unauthorized(_("Thiếu mã truy cập (Authorization: Bearer …).")))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, ApiError(404, "not_found", _("Không tìm thấy.")))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 429:
        wait = getattr(exc, "wait", None) or 60
        return _error(
            request,
            ApiError(
                429,
                "rate_limited",
                _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.") % {"seconds": int(wait)},
                headers={"Retry-After": str(int(wait))},
            ),
        )
    return _error(request, ApiError(exc.status_code, "bad_request", _("Yêu cầu không hợp lệ.")))


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit_mb = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / (1024 * 1024)
    return _error(
        request,
        ApiError(413, "too_large", _("Yêu cầu quá lớn (tối đa %(mb).1f MB).") % {"mb": limit_mb}),
    )


# --- catalogue ------------------------------------------------------------------------------


def _agency(agency: Agency) -> AgencyOut:
    return AgencyOut(
        code=agency.code,
        name=agency.name,
        level=agency.level,
        parent_code=agency.parent.code if agency.parent_id and agency.parent else None,
        address=agency.address,
        phone=agency.phone,
        email=agency.email,
    )


def _summary(procedure: Procedure) -> ProcedureSummary:
    return ProcedureSummary(
        code=procedure.code,
        name=procedure.name,
        field=FieldOut(code=procedure.field.code, name=procedure.field.name),
        level=procedure.level,
        online_level=procedure.online_level,
        processing_days=decimal_text(procedure.processing_days),
        fee_amount=procedure.fee_amount,
    )


def _page(page: int, page_size: int) -> tuple[int, int]:
    return (page - 1) * page_size, page * page_size


@api.get(
    "/procedures",
    response={200: ProcedurePage, **PUBLIC_ERRORS},
    throttle=[AnonymousRate()],
    tags=["catalogue"],
    summary="Bộ thủ tục: tìm kiếm (có dấu hoặc không dấu) và lọc",
)
def procedure_list(
    request: HttpRequest,
    q: QueryEx[str, P(max_length=200, pattern=NO_NUL, description="Từ khoá hoặc mã thủ tục")] = "",
    field: QueryEx[str, P(max_length=30, pattern=NO_NUL, description="Mã lĩnh vực")] = "",
    agency: QueryEx[str, P(max_length=30, pattern=NO_NUL, description="Mã cơ quan thực hiện")] = "",
    level: QueryEx[Level | None, P(description="Cấp thực hiện")] = None,
    online_level: QueryEx[OnlineLevel | None, P(description="Mức độ trực tuyến")] = None,
    page: QueryEx[int, P(ge=1, le=10_000)] = 1,
    page_size: QueryEx[int, P(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> ProcedurePage:
    field_id = Field.objects.filter(code=field).values_list("pk", flat=True).first() if field else None
    agency_id = Agency.objects.filter(code=agency).values_list("pk", flat=True).first() if agency else None
    if (field and field_id is None) or (agency and agency_id is None):
        return ProcedurePage(count=0, page=page, page_size=page_size, items=[])
    rows = catalogue.procedure_search(
        query=q,
        field_id=field_id,
        agency_id=agency_id,
        level=level.value if level else None,
        online_level=online_level.value if online_level else None,
    )
    start, end = _page(page, page_size)
    return ProcedurePage(
        count=rows.count(), page=page, page_size=page_size, items=[_summary(p) for p in rows[start:end]]
    )


@api.get(
    "/procedures/{code}",
    response={200: ProcedureDetail, 404: ErrorBody, **PUBLIC_ERRORS},
    throttle=[AnonymousRate()],
    tags=["catalogue"],
    summary="Chi tiết thủ tục: giấy tờ, phí, thời hạn, biểu mẫu điện tử hiện hành",
)
def procedure_detail(request: HttpRequest, code: Code) -> ProcedureDetail:
    procedure = catalogue.procedure_get_active(code=code)
    if procedure is None:
        raise Http404
    form = catalogue.form_current_version(procedure=procedure)
    summary = _summary(procedure)
    return ProcedureDetail(
        **summary.model_dump(),
        processing_time_text=procedure.processing_time_text,
        fee_text=procedure.fee_text,
        applicants=procedure.applicants,
        legal_basis=procedure.legal_basis,
        steps=procedure.steps,
        methods=procedure.methods,
        result=procedure.result,
        agencies=[_agency(a) for a in procedure.agencies.all() if a.is_active],
        documents=[
            DocumentOut(id=d.pk, name=d.name, required=d.required, copies=d.copies) for d in procedure.documents.all()
        ],
        form=FormOut(version=form.version, fields=form.schema) if form else None,
    )


@api.get(
    "/fields",
    response={200: list[FieldOut], **PUBLIC_ERRORS},
    throttle=[AnonymousRate()],
    tags=["catalogue"],
    summary="Lĩnh vực có thủ tục đang áp dụng",
)
def field_list(request: HttpRequest) -> list[FieldOut]:
    return [FieldOut(code=f.code, name=f.name) for f in catalogue.fields_in_use()]


@api.get(
    "/agencies",
    response={200: AgencyPage, **PUBLIC_ERRORS},
    throttle=[AnonymousRate()],
    tags=["catalogue"],
    summary="Cơ quan đang thực hiện thủ tục",
)
def agency_list(
    request: HttpRequest,
    q: QueryEx[str, P(max_length=200, pattern=NO_NUL, description="Từ khoá trong tên hoặc mã")] = "",
    level: QueryEx[Level | None, P(description="Cấp")] = None,
    page: QueryEx[int, P(ge=1, le=10_000)] = 1,
    page_size: QueryEx[int, P(ge=1, le=MAX_PAGE_SIZE)] = 20,
) -> AgencyPage:
    words = tokens(q)
    rows = [
        a
        for a in catalogue.agencies_in_use()
        if a.is_active
        and (level is None or a.level == level.value)
        and all(w in search_text(a.code, a.name) for w in words)
    ]
    start, end = _page(page, page_size)
    return AgencyPage(count=len(rows), page=page, page_size=page_size, items=[_agency(a) for a in rows[start:end]])


@api.get(
    "/agencies/{code}",
    response={200: AgencyOut, 404: ErrorBody, **PUBLIC_ERRORS},
    throttle=[AnonymousRate()],
    tags=["catalogue"],
    summary="Một cơ quan",
)
def agency_detail(request: HttpRequest, code: Code) -> AgencyOut:
    agency = Agency.objects.select_related("parent").filter(code=code, is_active=True).first()
    if agency is None:
        raise Http404
    return _agency(agency)


# --- public lookup --------------------------------------------------------------------------


@api.post(
    "/lookup",
    response={200: PublicDossier, 404: ErrorBody, **PUBLIC_ERRORS},
    tags=["dossiers"],
    summary="Tra cứu hồ sơ bằng mã hồ sơ và 4 số cuối điện thoại người nộp",
    description="Cùng giới hạn số lần với trang /tra-cuu-ho-so/ (dùng chung một hạn mức theo địa chỉ). "
    "Không trả về dữ liệu cá nhân.",
)
def lookup(request: HttpRequest, payload: LookupIn) -> PublicDossier:
    if dossier_services.lookup_rate_limited(client_key=client_address(request)):
        raise ApiError(
            429,
            "rate_limited",
            _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau 15 phút."),
            headers={"Retry-After": str(dossier_services.LOOKUP_WINDOW_SECONDS)},
        )
    dossier = dossier_selectors.dossier_public_lookup(code=payload.code, phone_digits=payload.phone_digits)
    if dossier is None:
        raise ApiError(404, "not_found", _("Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại đã nhập."))
    return PublicDossier(
        code=dossier.code,
        procedure=NamedRef(code=dossier.procedure_code, name=dossier.procedure_name),
        agency=NamedRef(code=dossier.agency_code, name=dossier.agency_name),
        status=dossier.status,
        status_name=dossier.status_label,
        submitted_at=dossier.submitted_at,
        due_at=dossier.due_at,
        timeline=[
            TimelineEntry(at=step.at, status=step.status, status_name=str(Status(step.status).label))
            for step in dossier.steps
        ],
    )


# --- clients: submission, status, sync -------------------------------------------------------


def _dossier_out(dossier: Dossier) -> DossierOut:
    return DossierOut(
        code=dossier.code,
        procedure=NamedRef(code=dossier.procedure.code, name=dossier.procedure.name),
        agency=NamedRef(code=dossier.agency.code, name=dossier.agency.name),
        status=dossier.status,
        status_name=str(Status(dossier.status).label),
        channel=dossier.channel,
        submitted_at=dossier.submitted_at,
        received_at=dossier.received_at,
        due_at=dossier.due_at,
        updated_at=dossier.updated_at,
        timeline=[
            EventOut(
                at=e.at,
                from_status=e.from_status,
                status=e.to_status,
                status_name=str(Status(e.to_status).label),
                note=e.note,
            )
            for e in dossier.events.all()
        ],
    )


@api.post(
    "/dossiers",
    auth=ClientToken("dossiers:submit"),
    response={200: DossierOut, 201: DossierOut, 409: ErrorBody, 413: ErrorBody, **CLIENT_ERRORS},
    tags=["dossiers"],
    summary="Nộp hồ sơ thay cho người dân (JSON, giấy tờ mã hoá base64)",
    description="201: hồ sơ mới; 200: cùng Idempotency-Key và cùng nội dung, hồ sơ đã nộp trước đó; "
    "409: Idempotency-Key đã dùng cho nội dung khác; 422: hồ sơ chưa hợp lệ (fields).",
    openapi_extra=_security("dossiers:submit"),
)
def dossier_submit(
    request: HttpRequest,
    payload: SubmitIn,
    idempotency_key: HeaderEx[
        str,
        P(
            alias="Idempotency-Key",
            min_length=8,
            max_length=64,
            pattern=IDEMPOTENCY_PATTERN,
            description=IDEMPOTENCY_HELP,
        ),
    ],
) -> ApiStatus[DossierOut]:
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    dossier, created = services.client_dossier_submit(
        client=client,
        payload=payload,
        idempotency_key=idempotency_key,
        request_info=RequestInfo.from_request(request),
    )
    fresh = Dossier.objects.select_related("procedure", "agency").get(pk=dossier.pk)
    return ApiStatus(201 if created else 200, _dossier_out(fresh))


@api.get(
    "/dossiers/{code}",
    auth=ClientToken("dossiers:read", "dossiers:sync", any_of=True),
    response={200: DossierOut, 404: ErrorBody, **CLIENT_ERRORS},
    tags=["dossiers"],
    summary="Trạng thái và quá trình xử lý của một hồ sơ",
    description="Chỉ hồ sơ do chính ứng dụng nộp (phạm vi dossiers:read); mọi hồ sơ với dossiers:sync. "
    "Hồ sơ của ứng dụng khác: 404.",
    openapi_extra=_security("dossiers:read"),
)
def dossier_status(request: HttpRequest, code: Code) -> DossierOut:
    client: ApiClient = request.auth  # type: ignore[attr-defined]
    dossier = selectors.dossier_for_client(client=client, code=code, sync=has_scope(request, "dossiers:sync"))
    if dossier is None:
        raise Http404
    return _dossier_out(dossier)


@api.get(
    "/sync/dossiers",
    auth=ClientToken("dossiers:sync"),
    response={200: SyncPage, **CLIENT_ERRORS},
    tags=["sync"],
    summary="Hồ sơ thay đổi sau con trỏ (đồng bộ với Cổng Dịch vụ công quốc gia)",
    description="Theo thứ tự (updated_at, id) tăng dần. Gọi lại với next_cursor cho đến khi items rỗng.",
    openapi_extra=_security("dossiers:sync"),
)
def sync_dossiers(
    request: HttpRequest,
    cursor: QueryEx[str, P(max_length=200, pattern=r"^[A-Za-z0-9_-]*$", description="next_cursor của lần trước")] = "",
    limit: QueryEx[int, P(ge=1, le=500)] = 100,
) -> SyncPage:
    try:
        after = selectors.decode_cursor(cursor) if cursor else None
    except selectors.BadCursor as exc:
        raise ApiError(
            422, "invalid", _("Yêu cầu chưa hợp lệ."), fields={"cursor": [_("Con trỏ không hợp lệ.")]}
        ) from exc
    rows = list(selectors.sync_feed(after=after, limit=limit, lag_seconds=settings.API_SYNC_LAG_SECONDS))
    items = [
        SyncItem(
            code=d.code,
            procedure_code=d.procedure.code,
            agency_code=d.agency.code,
            status=d.status,
            status_name=str(Status(d.status).label),
            channel=d.channel,
            submitted_at=d.submitted_at,
            received_at=d.received_at,
            due_at=d.due_at,
            updated_at=d.updated_at,
        )
        for d in rows
    ]
    next_cursor = selectors.encode_cursor(rows[-1].updated_at, rows[-1].pk) if rows else cursor
    return SyncPage(items=items, next_cursor=next_cursor)
