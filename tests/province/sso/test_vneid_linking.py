"""Issue 4: a legacy national-portal account and VNeID of the same person are one Person,
and from the VNeID-only date a legacy sign-in is refused with the seed-004 notice."""

from __future__ import annotations

import datetime as dt
import html
from zoneinfo import ZoneInfo

import pytest
import time_machine

from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Membership, Person
from province.sso.claims import map_claims
from tests.province.factories import MembershipFactory
from tests.province.portal.linking_helpers import (
    BINH_CCCD,
    BINH_CMND,
    binh_vneid_claims,
    cmnd_claims,
    registry_replies,
)

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def old_data(person):
    """What a person accumulated before VNeID: a business, a log line, an audit row."""
    MembershipFactory(person=person)
    AuditLog.objects.create(
        actor=person, action="person.contact_updated", object_type="accounts.person", object_id=str(person.pk)
    )


def assert_same_person_with_old_data(person):
    assert Person.objects.count() == 1
    assert Membership.objects.get().person == person
    assert LoginEvent.objects.filter(person=person, success=True).count() == 2
    assert AuditLog.objects.filter(actor=person, action="person.contact_updated").exists()
    assert ExternalIdentity.objects.filter(person=person).count() == 2


def test_it_lands_a_legacy_account_with_cccd_and_vneid_in_one_person(client, provider):
    provider.claims = binh_vneid_claims(sub="dvcqg-binh", loAs=1, PhuongThucXacThuc="dvcqg")
    provider.login(client)
    person = Person.objects.get()
    old_data(person)
    client.post("/dang-xuat/")
    provider.claims = binh_vneid_claims()
    assert provider.login(client, "/tai-khoan/")["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(person.pk)
    assert_same_person_with_old_data(person)


def test_it_lands_a_cmnd_account_that_updated_its_cccd_and_vneid_in_one_person(client, provider):
    provider.claims = cmnd_claims()
    provider.login(client)
    person = Person.objects.get()
    old_data(person)
    registry_replies(provider.rsps)
    client.post("/tai-khoan/cap-nhat-cccd/", {"action": "update", "id_number": BINH_CCCD})
    client.post("/dang-xuat/")
    provider.claims = binh_vneid_claims(SoCMND=None)
    provider.login(client)
    assert client.session["_auth_user_id"] == str(person.pk)
    assert_same_person_with_old_data(person)
    assert Person.objects.get().cmnd == BINH_CMND


def test_it_links_vneid_to_the_cmnd_account_by_its_cmnd_alias(client, provider):
    provider.claims = cmnd_claims()
    provider.login(client)
    person = Person.objects.get()
    old_data(person)
    client.post("/dang-xuat/")
    provider.claims = binh_vneid_claims()  # VNeID says SoCMND 125678901 too
    provider.login(client)
    assert_same_person_with_old_data(person)
    person.refresh_from_db()
    assert person.id_number == BINH_CCCD and person.cmnd == BINH_CMND


def test_it_lists_each_linked_account_with_its_kind(client, provider):
    provider.claims = cmnd_claims()
    provider.login(client)
    client.post("/dang-xuat/")
    provider.claims = binh_vneid_claims()
    provider.login(client)
    page = client.get("/tai-khoan/").content.decode()
    assert "Tài khoản Cổng DVCQG" in page and "VNeID (đang đăng nhập)" in page
    assert page.count("Xóa liên kết") == 2


# --- login method -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "is_vneid"),
    [
        ({"PhuongThucXacThuc": "vneid"}, True),
        ({"PhuongThucXacThuc": "dvcqg"}, False),
        ({"PhuongThucXacThuc": None}, True),  # no claim: SoDinhDanh at level 2 is VNeID
        ({"PhuongThucXacThuc": None, "loAs": 1}, False),
        ({"PhuongThucXacThuc": None, "SoDinhDanh": None, "SoCMND": "125678901"}, False),
    ],
)
def test_it_tells_vneid_from_a_national_portal_account(claims, is_vneid):
    raw = {**binh_vneid_claims(), **claims}
    assert map_claims({k: v for k, v in raw.items() if v is not None}).is_vneid is is_vneid


def test_it_refuses_an_unknown_login_method(client, provider):
    provider.claims = binh_vneid_claims(PhuongThucXacThuc="telepathy")
    assert provider.login(client).status_code == 400
    assert not Person.objects.exists()


# --- cut-over -------------------------------------------------------------------------


@pytest.fixture
def cutover(settings):
    settings.VNEID_ONLY_FROM = dt.date(2024, 7, 1)


def test_it_refuses_a_national_portal_sign_in_from_the_cutover_date(client, provider, cutover):
    provider.claims = cmnd_claims()
    with time_machine.travel(dt.datetime(2024, 7, 1, 0, 5, tzinfo=VN), tick=False):
        response = provider.login(client, "/tai-khoan/")
    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert "THÔNG BÁO TỪ HỆ THỐNG:" in page
    assert "kể từ ngày 01/07/2024" in page and "VNeID" in page
    assert "cập nhật số CCCD" in page
    assert "/sso/login/?next=%2Ftai-khoan%2F&amp;dang_nhap_lai=1" in response.content.decode()
    assert not Person.objects.exists() and not ExternalIdentity.objects.exists()
    assert not AuditLog.objects.exists()
    event = LoginEvent.objects.get()
    assert not event.success and event.reason.startswith("vneid_only")
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_legacy_account_that_has_a_cccd_too(client, provider, cutover):
    provider.claims = binh_vneid_claims(loAs=1, PhuongThucXacThuc="dvcqg")
    with time_machine.travel(dt.datetime(2024, 8, 1, 9, tzinfo=VN), tick=False):
        assert provider.login(client).status_code == 403
    assert not Person.objects.exists()


def test_it_accepts_a_national_portal_sign_in_the_day_before(client, provider, cutover):
    provider.claims = cmnd_claims()
    with time_machine.travel(dt.datetime(2024, 6, 30, 23, 55, tzinfo=VN), tick=False):
        assert provider.login(client).status_code == 302
    assert Person.objects.count() == 1


def test_it_still_accepts_vneid_after_the_cutover(client, provider, cutover):
    provider.claims = binh_vneid_claims()
    with time_machine.travel(dt.datetime(2024, 7, 2, 8, tzinfo=VN), tick=False):
        response = provider.login(client, "/tai-khoan/")
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert Person.objects.get().id_number == BINH_CCCD


def test_it_accepts_a_business_account_after_the_cutover(client, provider, cutover):
    from tests.province.conftest import business_claims

    provider.claims = business_claims(PhuongThucXacThuc="dvcqg")
    with time_machine.travel(dt.datetime(2024, 7, 2, 8, tzinfo=VN), tick=False):
        assert provider.login(client).status_code == 302
