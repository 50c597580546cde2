"""The Django admin (/quan-tri/) opens only to "quan_tri" officers signed in with a second factor."""

from __future__ import annotations

import pytest

from province.notify.sms import LocmemBackend
from tests.province.backoffice.conftest import sign_in
from tests.province.backoffice.factories import OfficerAccountFactory, OfficerProfileFactory
from tests.province.backoffice.test_signin_vneid import AN, vneid
from tests.province.factories import PersonFactory

pytestmark = pytest.mark.django_db

ADMIN = "/quan-tri/"


@pytest.fixture(autouse=True)
def outbox():
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


def test_it_opens_to_an_administrator_signed_in_with_password_and_sms_code(client, outbox):
    account = OfficerAccountFactory(admin=True)
    sign_in(client, account, outbox)
    page = client.get(ADMIN)
    assert page.status_code == 200
    assert "/quan-tri/catalogue/procedure/" in page.content.decode()
    # a model page too: the role is the permission
    assert client.get("/quan-tri/catalogue/procedure/").status_code == 200


def test_it_refuses_an_officer_who_is_not_an_administrator(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    response = client.get(ADMIN, follow=True)
    assert response.status_code == 403
    assert client.get("/quan-tri/catalogue/procedure/", follow=True).status_code == 403


def test_it_sends_everyone_else_to_the_officer_sign_in(client):
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith("/motcua/dang-nhap/")
    # a superuser of the portal (citizen session) is no way in any more
    client.force_login(PersonFactory(is_superuser=True))
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith("/motcua/dang-nhap/")


def test_it_has_no_password_form_of_its_own(client):
    superuser = PersonFactory(is_superuser=True)
    superuser.set_password("Quantri@2024")
    superuser.save()
    response = client.post("/quan-tri/login/", {"username": superuser.public_id, "password": "Quantri@2024"})
    assert response.status_code == 302 and response["Location"].startswith("/motcua/dang-nhap/")
    assert client.get(ADMIN).status_code == 302


def test_it_opens_to_an_administrator_signed_in_with_vneid_level_2(client, provider):
    profile = OfficerProfileFactory(id_number=AN)
    OfficerAccountFactory(person=profile.person, admin=True)
    assert vneid(client, provider, loAs=2).status_code == 302
    assert client.get(ADMIN).status_code == 200


def test_it_refuses_an_administrator_signed_in_with_vneid_level_1(client, provider):
    profile = OfficerProfileFactory(id_number=AN)
    OfficerAccountFactory(person=profile.person, admin=True)
    assert vneid(client, provider, loAs=1).status_code == 302
    assert client.get("/motcua/").status_code == 200  # the back office itself is open
    assert client.get(ADMIN, follow=True).status_code == 403


def test_it_records_the_officer_as_the_author_of_admin_changes(client, outbox):
    from django.contrib.admin.models import LogEntry

    from province.catalogue.models import Field

    account = OfficerAccountFactory(admin=True)
    sign_in(client, account, outbox)
    response = client.post("/quan-tri/catalogue/field/add/", {"code": "HO-TICH", "name": "Hộ tịch"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Field.objects.filter(code="HO-TICH").exists()
    assert LogEntry.objects.get().user_id == account.person_id
    account.person.refresh_from_db()
    assert account.person.is_superuser is False  # the in-memory flag never reaches the database


def test_it_ends_the_officer_session_on_admin_logout(client, outbox):
    sign_in(client, OfficerAccountFactory(admin=True), outbox)
    assert client.post("/quan-tri/logout/").status_code == 302
    assert client.get("/motcua/").status_code == 302


def test_it_speaks_english_when_asked(client, outbox):
    sign_in(client, OfficerAccountFactory(admin=True), outbox)
    page = client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "System administration" in page
    assert "Quản trị hệ thống" in client.get(ADMIN, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
