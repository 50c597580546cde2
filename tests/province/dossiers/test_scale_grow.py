"""bench/scale_grow.py: the tenfold copy of a loaded dataset is data the application
accepts (valid and unique số định danh, codes that continue the daily counters, lookups
that find every copy, timelines), and a second run adds nothing. PostgreSQL only."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest
from django.db import connection, transaction

from bench import dataset, scale_grow
from province.accounts import identity_numbers
from province.accounts.models import Person
from province.dossiers import selectors
from province.dossiers.models import AgencyDayCounter, Dossier, DossierEvent
from province.dossiers.services import allocate_code
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory, ProcedureFormVersionFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the scale copy is PostgreSQL SQL")
    agencies = [AgencyFactory(code=f"000.30.0{n}.H33") for n in range(1, 3)]
    for n in range(2):
        ProcedureFormVersionFactory(procedure=ProcedureFactory(agencies=agencies[n:], processing_days="5"))
    dataset.load(dossiers=60, people=12, today=dt.date(2026, 3, 2), echo=lambda _line: None)


def test_it_copies_people_and_dossiers_into_data_the_application_accepts(loaded: None) -> None:
    originals = {d.code: d for d in Dossier.objects.all()}
    events_before = DossierEvent.objects.count()

    result = scale_grow.grow(factor=3, people_factor=2, echo=lambda _line: None)

    assert result["dossiers"] == 180 and result["events"] == 3 * events_before
    people = list(Person.objects.filter(identity_email__endswith=f"@{dataset.PEOPLE_EMAIL_DOMAIN}"))
    assert len(people) == 24
    assert len({p.id_number for p in people}) == 24 and len({p.identity_email for p in people}) == 24
    for person in people:
        assert not identity_numbers.id_number_errors(
            person.id_number, birth_date=person.birth_date, gender=person.gender
        )
    numbers: dict[tuple[int, str], list[int]] = defaultdict(list)
    for dossier in Dossier.objects.select_related("applicant"):
        agency_day, n = re.fullmatch(r"(.*)-(\d+)", dossier.code).groups()  # type: ignore[union-attr]
        numbers[(dossier.agency_id, agency_day)].append(int(n))
        assert dossier.applicant_info["id_number"] == dossier.applicant.id_number
        digits = dossier.applicant.phone[-4:]
        assert selectors.dossier_public_lookup(code=dossier.code, phone_digits=digits) is not None
        wrong = "0000" if digits != "0000" else "1111"
        assert selectors.dossier_public_lookup(code=dossier.code, phone_digits=wrong) is None
    for (agency_id, agency_day), seen in numbers.items():
        day = dt.datetime.strptime(agency_day[-6:], "%y%m%d").date()
        assert sorted(seen) == list(range(1, AgencyDayCounter.objects.get(agency_id=agency_id, day=day).last + 1))
    # copy k of a dossier has the original's timeline
    some = next(iter(originals.values()))
    copies = Dossier.objects.filter(id__in=[some.id + k * result["stride"] for k in (1, 2)])
    assert [list(c.events.values_list("to_status", "at")) for c in copies] == [
        list(some.events.values_list("to_status", "at"))
    ] * 2
    # a new submission on a grown day continues the numbering
    prefix = some.code.rsplit("-", 1)[0]
    day = dt.datetime.strptime(prefix[-6:], "%y%m%d").date()
    with transaction.atomic():
        code = allocate_code(agency=some.agency, day=day)
    assert code.rsplit("-", 1)[0] == prefix
    assert int(code.rsplit("-", 1)[1]) == 3 * sum(1 for c in originals if c.startswith(prefix + "-")) + 1

    again = scale_grow.grow(factor=3, people_factor=2, echo=lambda _line: None)
    assert again["dossiers"] == 180 and again["people"] == result["people"]
