from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from .factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["000.00.06.H56", "000.30.01.H33", "00.01.A12", "123.45.678.G01"])
def test_it_accepts_agency_codes_in_the_official_format(code):
    AgencyFactory.build(code=code).full_clean(exclude=["parent", "unit"])


@pytest.mark.parametrize(
    "code",
    [
        "H56",
        "000.00.06",
        "000.00.06.h56",
        "000.00.06.H5",
        "000-00-06-H56",
        "000.00.06.H56 ",
        "000..06.H56",
        "0000.00.06.H56",
    ],
)
def test_it_refuses_malformed_agency_codes(code):
    with pytest.raises(ValidationError) as raised:
        AgencyFactory.build(code=code).full_clean(exclude=["parent", "unit"])
    assert "000.00.06.H56" in str(raised.value)


@pytest.mark.parametrize(
    ("code", "ok"), [("1.001193", True), ("2.000889", True), ("1.00119", False), ("A.001193", False)]
)
def test_it_checks_the_procedure_code_format(code, ok):
    procedure = ProcedureFactory(code="1.999999")
    procedure.code = code
    if ok:
        procedure.full_clean()
    else:
        with pytest.raises(ValidationError):
            procedure.full_clean()
