"""accounts.linking.merge_persons: everything that points at a person moves, nothing is deleted."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from province.accounts import linking
from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Membership, Person
from province.accounts.services import RequestInfo
from province.sso.models import SsoSession
from tests.province.factories import (
    ExternalIdentityFactory,
    LoginEventFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db
INFO = RequestInfo(ip_address="203.0.113.9", user_agent="pytest")


def test_it_moves_every_related_row_and_deactivates_the_source():
    source = PersonFactory(id_number=None, cmnd="125678901", email="binh@example.vn", unverified=True)
    target = PersonFactory(cmnd=None)
    shared = OrganisationFactory()
    MembershipFactory(person=source, organisation=shared)
    MembershipFactory(person=target, organisation=shared)  # same business: a unique clash
    own = MembershipFactory(person=source)
    identity = ExternalIdentityFactory(person=source)
    LoginEventFactory.create_batch(3, person=source)
    SsoSession.objects.create(issuer="i", sid="s", subject="x", session_key="k" * 32, person=source)
    group = Group.objects.create(name="officers")
    source.groups.add(group)
    audit_row = AuditLog.objects.create(actor=source, action="x", object_type="t", object_id="1")

    result = linking.merge_persons(source=source, target=target, actor=target, request_info=INFO)

    source.refresh_from_db()
    target.refresh_from_db()
    assert not source.is_active and Person.objects.filter(pk=source.pk).exists()
    assert target.cmnd == "125678901" and source.cmnd is None
    assert target.email == "binh@example.vn"
    assert ExternalIdentity.objects.get(pk=identity.pk).person == target
    assert Membership.objects.get(pk=own.pk).person == target
    assert Membership.objects.filter(person=source, organisation=shared).exists()  # kept, not deleted
    assert LoginEvent.objects.filter(person=target).count() == 3
    assert SsoSession.objects.get().person == target
    assert list(target.groups.all()) == [group]
    assert AuditLog.objects.get(pk=audit_row.pk).actor == source  # history is not rewritten
    assert result.moved["accounts.loginevent.person"] == 3
    assert result.kept == {"accounts.membership.person": 1}
    merged = AuditLog.objects.get(action="person.merged")
    assert merged.before["cmnd"] is None and merged.after["cmnd"] == "125678901"
    assert merged.after["identities"] == [identity.pk]
    assert merged.ip_address == "203.0.113.9"


def test_it_keeps_the_targets_own_cmnd():
    source = PersonFactory(id_number=None, cmnd="125678901")
    target = PersonFactory(cmnd="987654321")
    linking.merge_persons(source=source, target=target, actor=target, request_info=INFO)
    target.refresh_from_db()
    source.refresh_from_db()
    assert target.cmnd == "987654321" and source.cmnd == "125678901"


def test_it_refuses_to_merge_twice_or_into_itself():
    source, target = PersonFactory(id_number=None), PersonFactory()
    with pytest.raises(ValueError, match="itself"):
        linking.merge_persons(source=target, target=target, actor=target, request_info=INFO)
    linking.merge_persons(source=source, target=target, actor=target, request_info=INFO)
    with pytest.raises(ValueError, match="already merged"):
        linking.merge_persons(source=source, target=target, actor=target, request_info=INFO)
    assert AuditLog.objects.filter(action="person.merged").count() == 1


def test_it_rolls_back_everything_if_a_step_fails(monkeypatch):
    source = PersonFactory(id_number=None, cmnd="125678901")
    target = PersonFactory(cmnd=None)
    identity = ExternalIdentityFactory(person=source)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(linking, "audit", boom)
    with pytest.raises(RuntimeError):
        linking.merge_persons(source=source, target=target, actor=target, request_info=INFO)
    source.refresh_from_db()
    assert source.is_active and source.cmnd == "125678901"
    assert ExternalIdentity.objects.get(pk=identity.pk).person == source
