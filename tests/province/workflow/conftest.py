from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from province.backoffice import services as backoffice_services
from province.backoffice.models import OfficerAccount, Role, Unit
from province.catalogue.models import Agency, Procedure
from province.dossiers import services
from province.dossiers.models import Dossier
from province.notify.sms import LocmemBackend
from tests.province.backoffice.factories import OfficerAccountFactory, UnitFactory
from tests.province.catalogue.factories import AgencyFactory
from tests.province.dossiers.conftest import private_files  # noqa: F401  (autouse: files in a temp folder)
from tests.province.dossiers.factories import submit, submittable_procedure
from tests.province.factories import PersonFactory


@dataclass
class World:
    """A unit that receives one agency's dossiers with an officer per role, and a second
    unit (with its agency) whose officers must never see the first one's dossiers."""

    agency: Agency
    unit: Unit
    officers: dict[str, OfficerAccount]
    other_agency: Agency
    other_unit: Unit
    outsiders: dict[str, OfficerAccount]
    procedure: Procedure

    def submit(self, **kwargs: Any) -> Dossier:
        kwargs.setdefault("procedure", self.procedure)
        kwargs.setdefault("applicant", PersonFactory(full_name="Nguyễn Văn An", id_number=None, phone="0912345678"))
        kwargs.setdefault("contact", services.Contact(phone="0912345678", email="an@example.vn"))
        kwargs.setdefault("key", f"key-{time.perf_counter_ns()}")
        return submit(**kwargs)


def _officers(unit: Unit, prefix: str) -> dict[str, OfficerAccount]:
    return {
        role: OfficerAccountFactory(unit=unit, role=role, username=f"{prefix}.{role}")
        for role in (Role.RECEIVING, Role.PROCESSING, Role.APPROVING, Role.ADMIN)
    }


@pytest.fixture
def world(db: Any) -> World:
    agency = AgencyFactory(code="000.00.06.H33", name="Sở Tư pháp")
    other_agency = AgencyFactory(code="000.00.09.H33", name="Sở Xây dựng")
    unit = UnitFactory(name="Sở Tư pháp", agency=agency)
    other_unit = UnitFactory(name="Sở Xây dựng", agency=other_agency)
    return World(
        agency=agency,
        unit=unit,
        officers=_officers(unit, "tuphap"),
        other_agency=other_agency,
        other_unit=other_unit,
        outsiders=_officers(other_unit, "xaydung"),
        procedure=submittable_procedure(agency=agency, days="3"),
    )


@pytest.fixture(autouse=True)
def _clean() -> Any:
    cache.clear()
    LocmemBackend.outbox.clear()
    yield
    LocmemBackend.outbox.clear()


def officer_client(account: OfficerAccount) -> Client:
    """A browser with an officer session (the sign-in itself is tested in tests/province/backoffice)."""
    client = Client()
    session = client.session
    now = int(time.time())
    session[backoffice_services.SESSION_ACCOUNT] = account.pk
    session[backoffice_services.SESSION_PERSON] = account.person_id
    session[backoffice_services.SESSION_AUTH_AT] = now
    session[backoffice_services.SESSION_LAST_SEEN] = now
    session.save()
    return client
