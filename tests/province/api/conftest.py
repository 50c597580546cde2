"""Fixtures: registered API clients, their tokens, a procedure that takes submissions."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.test import Client

from province.api import services
from province.api.models import ApiClient
from province.catalogue.models import Procedure, ProcedureDocument
from province.dossiers.models import DossierDocument
from province.notify.sms import LocmemBackend
from tests.province.dossiers.factories import PDF, submittable_procedure

TOKEN_URL = "/api/oauth/token/"
SECRET = "a-test-secret-of-32-characters!!"


@pytest.fixture(autouse=True)
def private_files(tmp_path: Any) -> Any:
    field = DossierDocument._meta.get_field("file")
    original = field.storage  # type: ignore[attr-defined]
    field.storage = FileSystemStorage(location=tmp_path / "private")  # type: ignore[attr-defined]
    LocmemBackend.outbox.clear()
    cache.clear()
    yield tmp_path / "private"
    field.storage = original  # type: ignore[attr-defined]


def make_client(
    *, client_id: str = "kiosk-1", scopes: str = "dossiers:read dossiers:submit", kind: str = "kiosk", rate: int = 0
) -> ApiClient:
    return services.api_client_save(
        name=f"Kiosk {client_id}",
        kind=kind,
        scopes=scopes.split(),
        client_id=client_id,
        client_secret=SECRET,
        rate_per_minute=rate,
    ).client


def get_token(client_id: str, *, scope: str = "", secret: str = SECRET) -> Any:
    data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
    if scope:
        data["scope"] = scope
    return Client().post(TOKEN_URL, data)


@pytest.fixture
def kiosk(db: Any) -> ApiClient:
    return make_client()


@pytest.fixture
def bearer() -> Callable[..., dict[str, str]]:
    def make(client_id: str = "kiosk-1", scope: str = "") -> dict[str, str]:
        response = get_token(client_id, scope=scope)
        assert response.status_code == 200, response.content
        return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['access_token']}"}

    return make


@pytest.fixture
def procedure(db: Any) -> Procedure:
    return submittable_procedure()


def submission(proc: Procedure, **overrides: Any) -> dict[str, Any]:
    required = ProcedureDocument.objects.get(procedure=proc, required=True)
    body: dict[str, Any] = {
        "procedure": proc.code,
        "applicant": {"id_number": "033180012345", "full_name": "Đỗ Thị Thanh Phúc", "phone": "0912 345 678"},
        "form": {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2024-01-15", "gioi_tinh": "nam", "cam_doan": True},
        "documents": [
            {"document_id": required.pk, "name": "to khai.pdf", "content_base64": base64.b64encode(PDF).decode()}
        ],
        "delivery": {"method": "agency"},
    }
    body.update(overrides)
    return body
