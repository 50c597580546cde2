from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from province.catalogue import services
from province.catalogue.eforms import schema_errors, validate_data
from province.catalogue.models import CatalogueAudit, ProcedureFormVersion

from .factories import SCHEMA, ProcedureFactory, ProcedureFormVersionFactory

pytestmark = pytest.mark.django_db

GOOD = {"ho_ten": "Nguyễn Văn An", "so_con": "2", "ngay_sinh": "01/02/2024", "gioi_tinh": "nam", "cam_doan": "on"}


@pytest.mark.parametrize(
    ("schema", "expected"),
    [
        ([], "ít nhất một trường"),
        ({"name": "x"}, "ít nhất một trường"),
        ([{"name": "Họ tên", "label": "Họ tên", "type": "text"}], "tên trường"),
        ([{"name": "a", "label": "A", "type": "text"}, {"name": "a", "label": "B", "type": "text"}], "bị trùng"),
        ([{"name": "a", "label": "A", "type": "colour"}], "kiểu phải là"),
        ([{"name": "a", "label": "", "type": "text"}], "thiếu nhãn"),
        ([{"name": "a", "label": "A", "type": "select"}], "danh sách lựa chọn"),
        ([{"name": "a", "label": "A", "type": "select", "choices": [["x", "X"], ["x", "Y"]]}], "lựa chọn bị trùng"),
        ([{"name": "a", "label": "A", "type": "text", "choices": ["x"]}], "chỉ trường chọn"),
        ([{"name": "a", "label": "A", "type": "text", "pattern": "([a-z"}], "mẫu kiểm tra không hợp lệ"),
        ([{"name": "a", "label": "A", "type": "date", "pattern": "x"}], "chỉ trường văn bản"),
        ([{"name": "a", "label": "A", "type": "text", "max_length": 0}], "độ dài tối đa"),
        ([{"name": "a", "label": "A", "type": "text", "required": "yes"}], "required"),
        ([{"name": "a", "label": "A", "type": "text", "script": "alert(1)"}], "không hỗ trợ: script"),
    ],
)
def test_it_refuses_a_bad_schema(schema, expected):
    procedure = ProcedureFactory()
    with pytest.raises(services.FormSchemaError) as raised:
        services.form_publish(procedure=procedure, schema=schema)
    assert any(expected in message for message in raised.value.errors), raised.value.errors
    assert not ProcedureFormVersion.objects.filter(procedure=procedure).exists()


def test_it_accepts_the_example_schema():
    assert schema_errors(SCHEMA) == []


def test_it_cleans_valid_data_per_type():
    version = ProcedureFormVersionFactory()
    cleaned, errors = services.form_validate(version=version, data={**GOOD, "unknown": "ignored"})
    assert errors == {}
    assert cleaned == {
        "ho_ten": "Nguyễn Văn An",
        "so_con": Decimal("2"),
        "ngay_sinh": dt.date(2024, 2, 1),
        "gioi_tinh": "nam",
        "cam_doan": True,
    }


def test_it_accepts_iso_dates_and_decimal_commas():
    version = ProcedureFormVersionFactory()
    cleaned, errors = services.form_validate(version=version, data={**GOOD, "ngay_sinh": "2024-02-01", "so_con": "1,5"})
    assert errors == {}
    assert cleaned["ngay_sinh"] == dt.date(2024, 2, 1) and cleaned["so_con"] == Decimal("1.5")


def test_it_reports_missing_required_fields_in_vietnamese():
    version = ProcedureFormVersionFactory()
    _, errors = services.form_validate(version=version, data={})
    assert errors["ho_ten"] == ["Họ tên không được bỏ trống."]
    assert errors["ngay_sinh"] == ["Ngày sinh không được bỏ trống."]
    assert errors["cam_doan"] == ["Cam đoan: bạn cần đánh dấu mục này."]
    assert "so_con" not in errors and "ghi_chu" not in errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ho_ten", "Nguyễn Văn 4n", "Họ tên không chứa chữ số"),
        ("ho_ten", "A" * 21, "Họ tên không được dài quá 20 ký tự."),
        ("so_con", "hai", "Số con phải là một số."),
        ("so_con", "NaN", "Số con phải là một số."),
        ("ngay_sinh", "31/02/2024", "Ngày sinh phải là ngày hợp lệ (dd/mm/yyyy)."),
        ("gioi_tinh", "khac", "Giới tính: lựa chọn không hợp lệ."),
        ("ghi_chu", "x" * 1001, "Ghi chú không được dài quá 1000 ký tự."),
        ("cam_doan", "có lẽ", "Cam đoan: giá trị không hợp lệ."),
        ("ho_ten", ["a"], "Họ tên: giá trị không hợp lệ."),
    ],
)
def test_it_reports_bad_values(field, value, message):
    version = ProcedureFormVersionFactory()
    _, errors = services.form_validate(version=version, data={**GOOD, field: value})
    assert errors == {field: [message]}


def test_it_publishes_a_new_version_and_keeps_the_old_one_intact():
    procedure = ProcedureFactory()
    v1 = services.form_publish(procedure=procedure, schema=SCHEMA)
    v2_schema = [*SCHEMA, {"name": "email", "label": "Thư điện tử", "type": "text"}]
    v2 = services.form_publish(procedure=procedure, schema=v2_schema)
    v1.refresh_from_db()
    assert (v1.version, v1.is_current, v1.schema) == (1, False, SCHEMA)
    assert (v2.version, v2.is_current, v2.schema) == (2, True, v2_schema)
    # a dossier submitted under v1 is still validated by v1's rules
    _, errors = services.form_validate(version=v1, data=GOOD)
    assert errors == {}
    assert CatalogueAudit.objects.filter(action="form_publish", object_key=procedure.code).count() == 2


def test_it_does_not_create_a_version_when_the_schema_did_not_change():
    procedure = ProcedureFactory()
    v1 = services.form_publish(procedure=procedure, schema=SCHEMA)
    again = services.form_publish(procedure=procedure, schema=[dict(f) for f in SCHEMA])
    assert again.pk == v1.pk
    assert ProcedureFormVersion.objects.filter(procedure=procedure).count() == 1


@given(
    st.dictionaries(
        st.sampled_from([f["name"] for f in SCHEMA] + ["other"]),
        st.one_of(
            st.none(), st.booleans(), st.integers(), st.text(max_size=30), st.lists(st.text(max_size=3), max_size=2)
        ),
    )
)
def test_it_never_crashes_on_arbitrary_input(data):
    cleaned, errors = validate_data(SCHEMA, data)
    assert set(cleaned).isdisjoint(errors)
    assert set(cleaned) | set(errors) <= {f["name"] for f in SCHEMA}
