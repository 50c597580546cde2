"""The catalogue through the API: search, filters, pagination, detail, agencies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from province.catalogue.models import Level, OnlineLevel
from tests.province.catalogue.factories import (
    AgencyFactory,
    FieldFactory,
    ProcedureDocumentFactory,
    ProcedureFactory,
    ProcedureFormVersionFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    commune = AgencyFactory(code="000.30.01.H33", name="UBND xã Phụng Công")
    province = AgencyFactory(code="000.00.06.H33", name="Sở Tư pháp", provincial=True)
    civil = FieldFactory(code="HT", name="Hộ tịch")
    land = FieldFactory(code="DD", name="Đất đai")
    birth = ProcedureFactory(
        code="1.001193", name="Đăng ký khai sinh", field=civil, agencies=[commune], processing_days=Decimal("1")
    )
    ProcedureFactory(code="1.004227", name="Đăng ký kết hôn", field=civil, agencies=[commune])
    ProcedureFactory(
        code="1.003000",
        name="Đăng ký đất đai lần đầu",
        field=land,
        agencies=[province],
        level=Level.PROVINCE,
        online_level=OnlineLevel.PARTIAL,
        fee_amount=100000,
    )
    ProcedureFactory(code="1.009999", name="Đăng ký cũ", field=civil, agencies=[commune], inactive=True)
    ProcedureDocumentFactory(procedure=birth, name="Tờ khai", required=True, order=1)
    ProcedureDocumentFactory(procedure=birth, name="Giấy chứng sinh", required=False, order=2)
    ProcedureFormVersionFactory(procedure=birth)
    return birth


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def test_it_searches_with_and_without_diacritics(catalogue):
    api = Client()
    assert codes(api.get("/api/v1/procedures", {"q": "khai sinh"})) == ["1.001193"]
    assert codes(api.get("/api/v1/procedures", {"q": "Đăng ký KHAI SINH"})) == ["1.001193"]
    assert codes(api.get("/api/v1/procedures", {"q": "1.004227"})) == ["1.004227"]
    assert sorted(codes(api.get("/api/v1/procedures", {"q": "dang ky"}))) == ["1.001193", "1.003000", "1.004227"]


def test_it_filters_by_field_agency_and_level(catalogue):
    api = Client()
    assert sorted(codes(api.get("/api/v1/procedures", {"field": "HT"}))) == ["1.001193", "1.004227"]
    assert codes(api.get("/api/v1/procedures", {"agency": "000.00.06.H33"})) == ["1.003000"]
    assert codes(api.get("/api/v1/procedures", {"level": "tinh"})) == ["1.003000"]
    assert codes(api.get("/api/v1/procedures", {"online_level": "mot_phan"})) == ["1.003000"]
    assert codes(api.get("/api/v1/procedures", {"field": "NOPE"})) == []


def test_it_paginates(catalogue):
    first = Client().get("/api/v1/procedures", {"page_size": 2}).json()
    second = Client().get("/api/v1/procedures", {"page_size": 2, "page": 2}).json()

    assert first["count"] == second["count"] == 3
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert {i["code"] for i in first["items"]}.isdisjoint({i["code"] for i in second["items"]})


@pytest.mark.parametrize("params", [{"page": 0}, {"page_size": 101}, {"level": "huyen"}, {"q": "x" * 201}])
def test_it_refuses_bad_parameters_with_the_error_body(catalogue, params):
    response = Client().get("/api/v1/procedures", params)

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"] == "Yêu cầu chưa hợp lệ."
    assert list(error["fields"]) == list(params)


def test_it_shows_a_procedure_with_documents_fees_days_and_form(catalogue):
    response = Client().get("/api/v1/procedures/1.001193")

    assert response.status_code == 200
    data = response.json()
    assert data["processing_days"] == "1" and data["fee_text"] == "Miễn lệ phí"
    assert [(d["name"], d["required"]) for d in data["documents"]] == [("Tờ khai", True), ("Giấy chứng sinh", False)]
    assert data["agencies"][0]["code"] == "000.30.01.H33"
    assert data["form"]["version"] == 1
    assert [f["name"] for f in data["form"]["fields"]][:2] == ["ho_ten", "so_con"]


def test_it_answers_404_for_unknown_or_inactive_procedures(catalogue):
    for code in ("9.999999", "1.009999"):
        response = Client().get(f"/api/v1/procedures/{code}")
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Không tìm thấy.", "fields": {}}}


def test_it_lists_and_shows_agencies(catalogue):
    listed = Client().get("/api/v1/agencies", {"q": "tu phap"}).json()
    assert [a["code"] for a in listed["items"]] == ["000.00.06.H33"]
    assert Client().get("/api/v1/agencies", {"level": "xa"}).json()["count"] == 1

    detail = Client().get("/api/v1/agencies/000.30.01.H33")
    assert detail.status_code == 200 and detail.json()["name"] == "UBND xã Phụng Công"
    assert Client().get("/api/v1/agencies/nope").status_code == 404


def test_it_lists_fields_in_use(catalogue):
    assert [f["code"] for f in Client().get("/api/v1/fields").json()] == ["DD", "HT"]
