"""Seed 003: after a sign-in with a CMND-only national-portal account, "Cập nhật số CCCD"."""

from __future__ import annotations

import html
import re

import pytest
import requests

from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Membership, Person
from tests.province.factories import MembershipFactory, PersonFactory

from .linking_helpers import (
    BINH_CCCD,
    BINH_CMND,
    binh_vneid_claims,
    cmnd_claims,
    follow_sso,
    registry_calls,
    registry_replies,
)

pytestmark = pytest.mark.django_db
SEED_TEXT = "Tài khoản của bạn chưa cập nhật số CCCD, vui lòng nhập thông tin để cập nhật số CCCD"
PAGE = "/tai-khoan/cap-nhat-cccd/"


@pytest.fixture
def binh(client, provider):
    """Signed in with the CMND account; the response of the SSO callback."""
    provider.claims = cmnd_claims()
    return provider.login(client, "/tai-khoan/")


def update(client, number, **extra):
    return client.post(PAGE, {"action": "update", "id_number": number, "next": "/tai-khoan/", **extra})


def test_it_asks_a_cmnd_account_for_its_cccd_after_sign_in(client, binh):
    assert binh.status_code == 302
    assert binh["Location"] == "/tai-khoan/cap-nhat-cccd/?next=%2Ftai-khoan%2F"
    page = client.get(binh["Location"]).content.decode()
    assert SEED_TEXT in page
    assert "Chứng minh nhân dân" in page and BINH_CMND in page
    assert '<label for="id_id_number">Số CCCD' in page
    assert "Bỏ qua" in page and "Cập nhật" in page


def test_it_does_not_ask_a_vneid_account(client, provider):
    assert provider.login(client, "/tai-khoan/")["Location"] == "/tai-khoan/"


def test_it_stores_the_number_when_the_registry_matches(client, binh, provider):
    registry_replies(provider.rsps)
    response = update(client, BINH_CCCD)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    person = Person.objects.get()
    assert person.id_number == BINH_CCCD and person.cmnd == BINH_CMND
    assert person.hometown == "Xã Phụng Công, Tỉnh Hưng Yên"  # filled from the registry
    row = AuditLog.objects.get(action="person.id_number_updated")
    assert row.before["id_number"] is None and row.after["id_number"] == BINH_CCCD
    assert row.actor == person
    # the next sign-in with the same CMND-only claims keeps the number and does not ask again
    client.post("/dang-xuat/")
    assert provider.login(client, "/tai-khoan/")["Location"] == "/tai-khoan/"
    assert Person.objects.get().id_number == BINH_CCCD


def test_it_changes_nothing_when_the_registry_does_not_match(client, binh, provider):
    registry_replies(provider.rsps, json={"match": False})
    response = update(client, BINH_CCCD)
    page = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert "Thông tin không khớp với Cơ sở dữ liệu quốc gia về Dân cư" in page
    assert 'role="alert"' in page
    assert Person.objects.get().id_number is None
    assert not AuditLog.objects.filter(action="person.id_number_updated").exists()


def test_it_changes_nothing_when_the_registry_knows_another_cmnd(client, binh, provider):
    registry_replies(provider.rsps, json={"match": True, "record": {**_record(), "SoCMND": "999999999"}})
    assert update(client, BINH_CCCD).status_code == 422
    assert Person.objects.get().id_number is None


def _record():
    from .linking_helpers import BINH_RECORD

    return dict(BINH_RECORD)


@pytest.mark.parametrize("failure", [requests.ConnectionError("refused"), requests.Timeout("slow")])
def test_it_says_the_registry_is_down_and_changes_nothing(client, binh, provider, failure):
    registry_replies(provider.rsps, body=failure)
    response = update(client, BINH_CCCD)
    assert response.status_code == 503
    assert "Hệ thống CSDL quốc gia về Dân cư đang gián đoạn, vui lòng thử lại sau." in response.content.decode()
    assert Person.objects.get().id_number is None
    assert not AuditLog.objects.filter(action="person.id_number_updated").exists()


def test_it_says_the_registry_is_down_on_a_server_error(client, binh, provider):
    registry_replies(provider.rsps, status=502, body="Bad Gateway")
    assert update(client, BINH_CCCD).status_code == 503
    assert Person.objects.get().id_number is None


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("00118012345a", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("001080123456", "Giới tính không khớp với số định danh cá nhân"),  # male digit
        ("001190123456", "Năm sinh không khớp với số định danh cá nhân"),
        ("001380123456", "Thế kỷ sinh không khớp với số định danh cá nhân"),  # born in the 2000s
        ("003180123456", "Mã tỉnh nơi đăng ký khai sinh (003) không hợp lệ"),
        ("", "Vui lòng nhập số CCCD."),
    ],
)
def test_it_refuses_a_number_that_does_not_fit_the_person(client, binh, provider, number, message):
    registry_replies(provider.rsps)
    response = update(client, number)
    page = html.unescape(response.content.decode())
    assert response.status_code == 422
    assert message in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="id_id_number_errors"' in page
    assert registry_calls(provider.rsps) == 0
    assert Person.objects.get().id_number is None


def test_it_skips_then_updates_later_from_the_account_page(client, binh, provider):
    response = client.post(PAGE, {"action": "skip", "next": "/tai-khoan/"})
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    account = client.get("/tai-khoan/").content.decode()
    assert "Cập nhật số CCCD" in account
    link = re.search(r'href="(/tai-khoan/cap-nhat-cccd/[^"]*)"', account).group(1)
    assert client.get(html.unescape(link)).status_code == 200
    registry_replies(provider.rsps)
    assert update(client, BINH_CCCD).status_code == 302
    assert Person.objects.get().id_number == BINH_CCCD
    assert "Cập nhật số CCCD" not in client.get("/tai-khoan/").content.decode()


def test_it_refuses_a_redirect_elsewhere_after_skipping(client, binh):
    response = client.post(PAGE, {"action": "skip", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_it_merges_with_the_cccd_holder_only_after_confirmation(client, binh, provider):
    source = Person.objects.get()
    MembershipFactory(person=source)
    target = PersonFactory(
        id_number=BINH_CCCD, full_name="TRẦN THỊ BÌNH", birth_date=source.birth_date, gender="Nữ", cmnd=None
    )
    registry_replies(provider.rsps)

    offer = update(client, BINH_CCCD)
    page = html.unescape(offer.content.decode())
    assert offer.status_code == 409
    assert "Số CCCD đã gắn với một tài khoản khác" in page
    assert "Hệ thống không tự gộp hai tài khoản" in page
    assert target.full_name not in page  # nothing about the other account leaks
    signin = re.search(r'href="(/sso/login/[^"]*)"', page).group(1)
    # nothing changed yet
    source.refresh_from_db()
    assert source.is_active and source.id_number is None
    assert ExternalIdentity.objects.get().person == source
    assert not AuditLog.objects.filter(action__startswith="person.merged").exists()

    # step 2: sign in with the VNeID account of the number (fresh credentials)
    provider.claims = binh_vneid_claims()
    back = follow_sso(provider, client, signin)
    assert provider.last_authorize["prompt"] == "login"
    assert back.status_code == 302 and back["Location"].startswith("/tai-khoan/hop-nhat/?t=")
    confirm = client.get(back["Location"])
    assert confirm.status_code == 200
    assert "Xác nhận hợp nhất" in confirm.content.decode() and "125***901" in confirm.content.decode()
    assert Person.objects.get(pk=source.pk).is_active  # a GET merges nothing

    done = client.post(back["Location"])
    assert done.status_code == 302 and done["Location"] == "/tai-khoan/"
    source.refresh_from_db()
    target.refresh_from_db()
    assert not source.is_active and source.cmnd is None
    assert target.cmnd == BINH_CMND
    assert set(ExternalIdentity.objects.values_list("person", flat=True)) == {target.pk}
    assert Membership.objects.get().person == target
    assert not LoginEvent.objects.filter(person=source).exists()
    merged = AuditLog.objects.get(action="person.merged")
    assert merged.object_id == str(target.pk) and merged.actor == target
    assert merged.before == {"merged_person": source.pk, "cmnd": None}
    assert merged.after["cmnd"] == BINH_CMND and merged.after["moved"]["accounts.membership.person"] == 1
    away = AuditLog.objects.get(action="person.merged_away")
    assert away.before == {"is_active": True, "cmnd": BINH_CMND}
    assert away.after == {"is_active": False, "cmnd": None, "merged_into": target.pk}
    # the legacy account now signs in to the united person
    client.post("/dang-xuat/")
    provider.claims = cmnd_claims()
    assert provider.login(client, "/tai-khoan/")["Location"] == "/tai-khoan/"
    assert client.session["_auth_user_id"] == str(target.pk)


def test_it_does_not_merge_for_someone_else_who_signs_in(client, binh, provider):
    source = Person.objects.get()
    PersonFactory(id_number=BINH_CCCD, full_name="TRẦN THỊ BÌNH", birth_date=source.birth_date, cmnd=None)
    registry_replies(provider.rsps)
    signin = re.search(r'href="(/sso/login/[^"]*)"', html.unescape(update(client, BINH_CCCD).content.decode()))
    provider.claims = binh_vneid_claims(
        sub="someone-else",
        SoDinhDanh="033180012345",
        SoCMND=None,
        HoVaTen="Đỗ Thị Thanh Phúc",
        NgayThangNamSinh="19800101",
    )
    back = follow_sso(provider, client, signin.group(1))
    response = client.post(back["Location"])
    assert response.status_code == 403
    assert Person.objects.get(pk=source.pk).is_active
    assert not AuditLog.objects.filter(action="person.merged").exists()


def test_it_refuses_a_forged_merge_token(signed_in):
    assert signed_in.get("/tai-khoan/hop-nhat/?t=forged").status_code == 404


def test_it_asks_the_cccd_holder_to_sign_in_again_when_the_session_is_stale(client, binh, provider):
    source = Person.objects.get()
    PersonFactory(id_number=BINH_CCCD, full_name="TRẦN THỊ BÌNH", birth_date=source.birth_date, cmnd=None)
    registry_replies(provider.rsps)
    signin = re.search(r'href="(/sso/login/[^"]*)"', html.unescape(update(client, BINH_CCCD).content.decode()))
    provider.claims = binh_vneid_claims()
    merge_url = follow_sso(provider, client, signin.group(1))["Location"]
    session = client.session
    session["auth_at"] -= 600
    session["last_seen"] = session["auth_at"] + 600
    session.save()
    response = client.post(merge_url)
    assert response.status_code == 302 and response["Location"].startswith("/sso/login/?next=")
    assert "dang_nhap_lai=1" in response["Location"]
    assert Person.objects.get(pk=source.pk).is_active
