from __future__ import annotations

import pytest

from province.accounts import services
from province.accounts.models import AuditLog, ExternalIdentity, Person
from province.sso.claims import map_claims
from tests.province.conftest import ISSUER, citizen_claims
from tests.province.factories import ExternalIdentityFactory, PersonFactory

pytestmark = pytest.mark.django_db

INFO = services.RequestInfo(ip_address="192.0.2.1", user_agent="pytest")


def sign_in(**overrides):
    raw = citizen_claims(**overrides)
    return services.sign_in_from_claims(issuer=ISSUER, claims=map_claims(raw), claims_snapshot=raw, request_info=INFO)


def test_it_moves_an_identity_to_the_person_who_holds_the_number():
    legacy = PersonFactory(id_number=None, cmnd="145678901")
    ExternalIdentityFactory(person=legacy, subject="vneid-sub-001")
    holder = PersonFactory(id_number="033180012345")

    result = sign_in()

    assert result.person == holder
    assert ExternalIdentity.objects.get(subject="vneid-sub-001").person == holder
    assert AuditLog.objects.filter(action="identity.relinked").exists()


def test_it_gives_a_number_to_a_person_known_only_by_cmnd():
    legacy = PersonFactory(id_number=None, cmnd="145678901")
    result = sign_in(SoCMND="145678901")
    legacy.refresh_from_db()
    assert result.person == legacy and legacy.id_number == "033180012345"
    assert Person.objects.count() == 1


def test_it_never_steals_another_persons_cmnd():
    PersonFactory(id_number="001080000001", gender="Nam", cmnd="145678901")
    result = sign_in(SoCMND="145678901")
    assert result.person.cmnd is None
    assert Person.objects.count() == 2


def test_it_only_lets_contact_fields_be_changed():
    person = PersonFactory()
    with pytest.raises(ValueError):
        services.person_update_contact(person=person, data={"full_name": "X"}, request_info=INFO)


def test_it_writes_no_audit_row_when_nothing_changes():
    person = PersonFactory(email="a@example.vn")
    services.person_update_contact(person=person, data={"email": "a@example.vn"}, request_info=INFO)
    assert not AuditLog.objects.exists()
