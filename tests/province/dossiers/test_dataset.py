"""The bulk loader of bench/dataset.py: real people, codes that agree with the daily
counters, lookups that work, and idempotent top-ups."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

import pytest
from django.db import transaction
from django.urls import reverse

from bench import dataset
from province.accounts import identity_numbers
from province.accounts.models import Person
from province.catalogue.models import Agency
from province.dossiers.models import AgencyDayCounter, Dossier, DossierEvent
from province.dossiers.services import allocate_code, last_four_digits
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory, ProcedureFormVersionFactory

pytestmark = pytest.mark.django_db

CODE_RE = re.compile(r"^(?P<agency>\d{3}\.\d{2}\.\d{2}\.H\d{2})-(?P<day>\d{6})-(?P<n>\d{4})$")
TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def catalogue() -> list[Agency]:
    agencies = [AgencyFactory(code=f"000.30.0{n}.H33") for n in range(1, 4)]
    for n in range(3):
        procedure = ProcedureFactory(agencies=agencies[n:], processing_days=[None, "1", "15"][n])
        ProcedureFormVersionFactory(procedure=procedure)
    return agencies


def _generated() -> list[Dossier]:
    return list(Dossier.objects.filter(idempotency_key__startswith=dataset.KEY_PREFIX).only("code", "status"))


def test_it_loads_dossiers_whose_codes_agree_with_the_daily_counters(catalogue):
    summary = dataset.load(dossiers=300, people=100, today=TODAY, echo=lambda _line: None)

    assert (summary.dossiers_added, summary.people_added) == (300, 100)
    numbers: dict[tuple[str, str], list[int]] = defaultdict(list)
    for dossier in _generated():
        match = CODE_RE.match(dossier.code)
        assert match, dossier.code
        numbers[(match["agency"], match["day"])].append(int(match["n"]))
    counters = {(c.agency.code, f"{c.day:%y%m%d}"): c.last for c in AgencyDayCounter.objects.select_related("agency")}
    assert counters.keys() == numbers.keys()
    for key, given in numbers.items():
        assert sorted(given) == list(range(1, counters[key] + 1)), key
    days = {dt.datetime.strptime(day, "%y%m%d").date() for _agency, day in numbers}
    assert max(days) < TODAY and min(days) >= TODAY - dt.timedelta(days=dataset.DAYS_BACK)
    assert all(day.weekday() < 5 for day in days)
    assert {d.status for d in _generated()} >= {4, 9, 10}
    assert DossierEvent.objects.filter(to_status=1, from_status=None).count() == 300


def test_it_continues_the_numbering_for_new_submissions(catalogue):
    dataset.load(dossiers=300, people=100, today=TODAY, echo=lambda _line: None)
    counter = AgencyDayCounter.objects.select_related("agency").order_by("-last").first()
    assert counter is not None

    with transaction.atomic():
        code = allocate_code(agency=counter.agency, day=counter.day)

    assert code == f"{counter.agency.code}-{counter.day:%y%m%d}-{counter.last + 1:04d}"
    assert not Dossier.objects.filter(code=code).exists()


def test_it_makes_people_with_valid_unique_numbers(catalogue):
    dataset.load(dossiers=30, people=120, today=TODAY, echo=lambda _line: None)

    people = Person.objects.filter(identity_email__endswith=dataset.PEOPLE_EMAIL_DOMAIN)
    assert people.count() == 120
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == 120
    for person in people:
        assert person.id_number is not None
        assert (
            identity_numbers.id_number_errors(person.id_number, birth_date=person.birth_date, gender=person.gender)
            == []
        ), person.id_number
        assert not person.has_usable_password()


def test_it_lets_the_public_lookup_find_a_generated_dossier(client, catalogue):
    dataset.load(dossiers=50, people=20, today=TODAY, echo=lambda _line: None)
    dossier = (
        Dossier.objects.filter(idempotency_key__startswith=dataset.KEY_PREFIX).only("code", "applicant_info").first()
    )
    assert dossier is not None
    digits = last_four_digits(dossier.applicant_info["phone"])

    found = client.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": digits})
    wrong = client.post(
        reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "0000" if digits != "0000" else "1111"}
    )

    assert found.status_code == 200
    assert dossier.code in found.content.decode()
    assert wrong.status_code == 404


def test_it_adds_only_the_difference_when_run_again(catalogue):
    dataset.load(dossiers=200, people=50, today=TODAY, echo=lambda _line: None)
    again = dataset.load(dossiers=200, people=50, today=TODAY, echo=lambda _line: None)
    more = dataset.load(dossiers=260, people=60, today=TODAY, echo=lambda _line: None)

    assert (again.dossiers_added, again.people_added) == (0, 0)
    assert (more.dossiers_added, more.people_added) == (60, 10)
    codes = [d.code for d in _generated()]
    assert len(codes) == len(set(codes)) == 260
    assert sum(c.last for c in AgencyDayCounter.objects.all()) == 260
