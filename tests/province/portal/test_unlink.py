"""'Xóa liên kết': fresh sign-in, confirmation, the link only (never data), audited."""

from __future__ import annotations

import html

import pytest

from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Membership, Person
from tests.province.factories import MembershipFactory

from .linking_helpers import binh_vneid_claims, cmnd_claims, follow_sso

pytestmark = pytest.mark.django_db


@pytest.fixture
def binh(client, provider):
    """Signed in with VNeID; the CMND account signed in before, so two links."""
    provider.claims = cmnd_claims()
    provider.login(client)
    client.post("/dang-xuat/")
    provider.claims = binh_vneid_claims()
    provider.login(client)
    MembershipFactory(person=Person.objects.get())
    return client


def legacy_link():
    return ExternalIdentity.objects.get(subject="dvcqg-binh")


def age_session(client, seconds=600):
    session = client.session
    session["auth_at"] -= seconds
    session["last_seen"] = session["auth_at"] + seconds
    session.save()


def test_it_unlinks_after_confirmation_and_keeps_every_piece_of_data(binh):
    url = f"/tai-khoan/lien-ket/{legacy_link().pk}/xoa/"
    page = html.unescape(binh.get(url).content.decode())
    assert "Xóa liên kết tài khoản" in page and "Tài khoản Cổng DVCQG" in page
    assert "tự liên kết lại theo số định danh" in page
    assert ExternalIdentity.objects.count() == 2  # a GET changes nothing

    response = binh.post(url)
    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    person = Person.objects.get()
    assert list(ExternalIdentity.objects.values_list("subject", flat=True)) == ["vneid-binh"]
    assert Membership.objects.get().person == person
    assert LoginEvent.objects.filter(person=person).count() == 2
    row = AuditLog.objects.get(action="identity.unlinked")
    assert row.actor == person and row.after is None
    assert row.before["subject"] == "dvcqg-binh" and row.before["kind"] == "dvcqg"


def test_it_sends_a_stale_session_to_sign_in_again_first(binh, provider):
    url = f"/tai-khoan/lien-ket/{legacy_link().pk}/xoa/"
    age_session(binh)
    for response in (binh.get(url), binh.post(url)):
        assert response.status_code == 302
        assert (
            response["Location"]
            == f"/sso/login/?next=%2Ftai-khoan%2Flien-ket%2F{legacy_link().pk}%2Fxoa%2F&dang_nhap_lai=1"
        )
    assert ExternalIdentity.objects.count() == 2
    back = follow_sso(provider, binh, response["Location"])
    assert provider.last_authorize["prompt"] == "login"
    assert back["Location"] == url
    assert binh.get(url).status_code == 200
    assert binh.post(url).status_code == 302
    assert ExternalIdentity.objects.count() == 1


def test_it_will_not_unlink_the_account_of_the_current_session(binh):
    current = ExternalIdentity.objects.get(subject="vneid-binh")
    url = f"/tai-khoan/lien-ket/{current.pk}/xoa/"
    page = html.unescape(binh.get(url).content.decode())
    assert "Bạn đang đăng nhập bằng tài khoản này nên không thể xóa liên kết" in page
    assert binh.post(url).status_code == 409
    assert ExternalIdentity.objects.filter(pk=current.pk).exists()
    assert not AuditLog.objects.filter(action="identity.unlinked").exists()


def test_it_does_not_show_or_unlink_another_persons_account(binh):
    from tests.province.factories import ExternalIdentityFactory

    other = ExternalIdentityFactory()
    assert binh.get(f"/tai-khoan/lien-ket/{other.pk}/xoa/").status_code == 404
    assert binh.post(f"/tai-khoan/lien-ket/{other.pk}/xoa/").status_code == 404
    assert ExternalIdentity.objects.filter(pk=other.pk).exists()


def test_it_relinks_an_unlinked_account_at_its_next_sign_in(binh, provider):
    binh.post(f"/tai-khoan/lien-ket/{legacy_link().pk}/xoa/")
    binh.post("/dang-xuat/")
    provider.claims = cmnd_claims()
    provider.login(binh)
    person = Person.objects.get()
    assert legacy_link().person == person
    assert binh.session["_auth_user_id"] == str(person.pk)


def test_it_needs_a_signed_in_person(client, db):
    response = client.get("/tai-khoan/lien-ket/1/xoa/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
