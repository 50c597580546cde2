"""JSON API of the simulated population registry (CSDL quốc gia về Dân cư).

Plain Django views rather than django-ninja/DRF: neither is in the locked dependencies,
and two endpoints do not justify one. Views only parse, authenticate and serialise; the
queries and their audit rows live in ``services``.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from . import identity, selectors, services
from .services import Outcome, QueryKind

# The registry has one API client in this sandbox: the provincial system.
PROVINCE_CLIENT = "province"

View = Callable[..., HttpResponse]
_JSON = {"ensure_ascii": False}  # Vietnamese text stays readable in the raw JSON


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status, json_dumps_params=_JSON)


def client_for_token(request: HttpRequest) -> str | None:
    """The name of the API client whose Bearer token came with the request, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    expected = str(settings.SANDBOX["POPULATION_API_TOKEN"])
    if secrets.compare_digest(token.strip().encode(), expected.encode()):
        return PROVINCE_CLIENT
    return None


def registry_api(method: str) -> Callable[[View], View]:
    """CSRF-exempt JSON endpoint: one HTTP method, Bearer token, JSON errors."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != method:
                response = _error(405, "method_not_allowed", _("Phương thức không được hỗ trợ"))
                response["Allow"] = method
                return response
            client = client_for_token(request)
            if client is None:
                response = _error(401, "unauthorized", _("Thiếu hoặc sai mã truy cập API"))
                response["WWW-Authenticate"] = 'Bearer realm="population"'
                return response
            return view(request, *args, client=client, **kwargs)

        return wrapper

    return decorate


def _invalid_id_number(client: str, kind: QueryKind, value: str) -> JsonResponse:
    services.record_query(client=client, kind=kind, id_number=value, outcome=Outcome.INVALID)
    return _error(400, "invalid_id_number", _("Số định danh cá nhân phải đúng 12 ký tự số"))


@registry_api("GET")
def person_detail(request: HttpRequest, id_number: str, *, client: str) -> HttpResponse:
    if not identity.is_valid_id_number(id_number):
        return _invalid_id_number(client, QueryKind.LOOKUP, id_number)
    resident = services.registry_lookup(client=client, id_number=id_number)
    if resident is None:
        return _error(404, "not_found", _("Không tìm thấy công dân"))
    return JsonResponse(selectors.person_record(resident), json_dumps_params=_JSON)


def _parse_wire_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.datetime.strptime(value, selectors.WIRE_DATE_FORMAT).date()
    except ValueError:
        return None


@registry_api("POST")
def match(request: HttpRequest, *, client: str) -> HttpResponse:
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return _error(400, "invalid_json", _("Nội dung yêu cầu phải là một đối tượng JSON"))

    id_number = data.get("SoDinhDanh")
    cmnd = data.get("SoCMND")
    if id_number is not None:
        if not isinstance(id_number, str) or not identity.is_valid_id_number(id_number):
            return _invalid_id_number(client, QueryKind.MATCH, str(id_number))
    elif cmnd is not None:
        if not isinstance(cmnd, str) or not identity.is_valid_cmnd(cmnd):
            services.record_query(client=client, kind=QueryKind.MATCH, id_number=str(cmnd), outcome=Outcome.INVALID)
            return _error(400, "invalid_cmnd", _("Số CMND phải đúng 9 ký tự số"))
    else:
        return _error(400, "missing_number", _("Cần SoDinhDanh hoặc SoCMND"))

    full_name = data.get("HoVaTen")
    if not isinstance(full_name, str) or not full_name.strip():
        return _error(400, "missing_name", _("Họ và tên không được bỏ trống"))
    birth_date = _parse_wire_date(data.get("NgayThangNamSinh"))
    if birth_date is None:
        return _error(400, "invalid_birth_date", _("Ngày sinh phải theo định dạng yyyyMMdd (ví dụ 19990512)"))

    resident = services.registry_match(
        client=client,
        full_name=full_name,
        birth_date=birth_date,
        id_number=id_number or "",
        cmnd="" if id_number else (cmnd or ""),
    )
    if resident is None:
        return JsonResponse({"match": False})
    record = selectors.person_record(resident)
    return JsonResponse({"match": True, "record": record}, json_dumps_params=_JSON)
