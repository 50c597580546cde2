from __future__ import annotations

import pytest

from province.catalogue import selectors
from province.catalogue.models import Level, OnlineLevel

from .factories import AgencyFactory, FieldFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    civil = FieldFactory(code="HO-TICH", name="Hộ tịch")
    land = FieldFactory(code="DAT-DAI", name="Đất đai")
    commune = AgencyFactory(name="UBND phường Phố Hiến")
    department = AgencyFactory(provincial=True, name="Sở Nông nghiệp và Môi trường")
    return {
        "birth": ProcedureFactory(code="1.001193", name="Thủ tục đăng ký khai sinh", field=civil, agencies=[commune]),
        "marriage": ProcedureFactory(
            code="1.000894",
            name="Thủ tục đăng ký kết hôn",
            field=civil,
            agencies=[commune],
            online_level=OnlineLevel.PARTIAL,
        ),
        "land": ProcedureFactory(
            code="1.012795", name="Đăng ký biến động đất đai", field=land, agencies=[department], provincial=True
        ),
        "old": ProcedureFactory(code="1.000001", name="Đăng ký khai sinh (cũ)", field=civil, inactive=True),
        "commune": commune,
        "department": department,
        "civil": civil,
    }


def codes(qs):
    return [p.code for p in qs]


def test_it_finds_a_procedure_typed_without_diacritics(catalogue):
    assert codes(selectors.procedure_search(query="dang ky khai sinh")) == ["1.001193"]


def test_it_finds_a_procedure_typed_with_diacritics_and_capitals(catalogue):
    assert codes(selectors.procedure_search(query="ĐĂNG KÝ Khai Sinh")) == ["1.001193"]


def test_it_treats_d_with_stroke_as_d(catalogue):
    assert codes(selectors.procedure_search(query="đất đai")) == ["1.012795"]
    assert codes(selectors.procedure_search(query="dat dai")) == ["1.012795"]


def test_it_requires_every_word(catalogue):
    assert codes(selectors.procedure_search(query="đăng ký")) == ["1.012795", "1.000894", "1.001193"]
    assert codes(selectors.procedure_search(query="đăng ký hôn")) == ["1.000894"]
    assert codes(selectors.procedure_search(query="khai sinh kết hôn")) == []


def test_it_finds_by_code_and_by_field_name(catalogue):
    assert codes(selectors.procedure_search(query="1.000894")) == ["1.000894"]
    assert codes(selectors.procedure_search(query="ho tich")) == ["1.000894", "1.001193"]


def test_it_hides_inactive_procedures(catalogue):
    assert "1.000001" not in codes(selectors.procedure_search(query="khai sinh"))
    assert "1.000001" in codes(selectors.procedure_search(query="khai sinh", active_only=False))


def test_it_filters_by_field_agency_level_and_online_level(catalogue):
    assert codes(selectors.procedure_search(field_id=catalogue["civil"].pk)) == ["1.000894", "1.001193"]
    assert codes(selectors.procedure_search(agency_id=catalogue["department"].pk)) == ["1.012795"]
    assert codes(selectors.procedure_search(level=Level.PROVINCE)) == ["1.012795"]
    assert codes(selectors.procedure_search(online_level=OnlineLevel.FULL)) == ["1.001193"]
    assert codes(
        selectors.procedure_search(query="dang ky", level=Level.COMMUNE, online_level=OnlineLevel.PARTIAL)
    ) == ["1.000894"]


def test_it_lists_no_procedure_twice_when_several_agencies_match(catalogue):
    procedure = catalogue["birth"]
    procedure.agencies.add(AgencyFactory(name="UBND xã Văn Giang"))
    assert codes(selectors.procedure_search(query="khai sinh")) == ["1.001193"]
