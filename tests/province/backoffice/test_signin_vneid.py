"""Officer sign-in with VNeID through the national SSO (purpose "backoffice")."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from province.accounts.models import AuditLog, LoginEvent
from province.backoffice.models import OfficerLoginEvent, OfficerProfile
from province.sso.models import SsoSession
from tests.province.conftest import AUTHORIZE_URL, TOKEN_URL, citizen_claims

from .factories import OfficerAccountFactory, OfficerProfileFactory, UnitFactory

pytestmark = pytest.mark.django_db

AN = "001099012345"


def vneid(client, provider, **claims):
    provider.claims = citizen_claims(
        SoDinhDanh=AN, HoVaTen="Nguyễn Văn An", NgayThangNamSinh="19990512", GioiTinh="Nam", **claims
    )
    response = client.get("/motcua/dang-nhap/vneid/")
    assert response.status_code == 302 and response["Location"].startswith(AUTHORIZE_URL)
    provider.last_authorize = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    return provider.callback(client, provider.last_authorize["state"])


@pytest.fixture
def an_profile():
    return OfficerProfileFactory(id_number=AN)


def test_it_signs_in_the_only_account_and_never_opens_a_citizen_session(client, provider, an_profile):
    account = OfficerAccountFactory(person=an_profile.person)
    response = vneid(client, provider)
    assert response.status_code == 302 and response["Location"] == "/motcua/"
    assert client.session["officer_account_id"] == account.pk
    assert "_auth_user_id" not in client.session  # no citizen session
    assert not SsoSession.objects.filter(purpose="portal").exists() and not LoginEvent.objects.exists()
    assert OfficerLoginEvent.objects.get(success=True).method == "vneid"
    an_profile.refresh_from_db()
    assert an_profile.id_verified_at is not None
    # and the portal's account page still wants a citizen sign-in
    assert client.get("/tai-khoan/").status_code == 302


def test_it_shows_a_chooser_for_several_accounts_then_switches_audited(client, provider, an_profile):
    first = OfficerAccountFactory(person=an_profile.person, unit=UnitFactory(name="Sở Tư pháp"), username="an.tuphap")
    second = OfficerAccountFactory(
        person=an_profile.person, unit=UnitFactory(name="Trung tâm Phục vụ hành chính công"), username="an.motcua"
    )
    response = vneid(client, provider)
    assert response["Location"] == "/motcua/dang-nhap/chon-tai-khoan/"
    assert "officer_account_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "an.tuphap" in page and "an.motcua" in page
    response = client.post("/motcua/dang-nhap/chon-tai-khoan/", {"account": second.pk})
    assert response.status_code == 302 and client.session["officer_account_id"] == second.pk
    home = client.get("/motcua/").content.decode()
    assert "Chuyển tài khoản" in home and "an.tuphap" in home
    key = client.session.session_key
    response = client.post("/motcua/chuyen-tai-khoan/", {"account": first.pk})
    assert response.status_code == 302
    assert client.session["officer_account_id"] == first.pk
    assert client.session.session_key != key
    audit = AuditLog.objects.get(action="officer.switched")
    assert audit.before == {"officer_account": second.pk} and audit.after["officer_account"] == first.pk
    assert OfficerLoginEvent.objects.filter(method="switch", success=True, account=first).exists()


def test_it_refuses_a_chooser_pick_outside_the_list(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    OfficerAccountFactory(person=an_profile.person)
    stranger = OfficerAccountFactory()
    vneid(client, provider)
    client.post("/motcua/dang-nhap/chon-tai-khoan/", {"account": stranger.pk})
    assert "officer_account_id" not in client.session


def test_it_never_switches_to_someone_elses_or_a_suspended_account(client, provider, an_profile):
    mine = OfficerAccountFactory(person=an_profile.person)
    suspended = OfficerAccountFactory(person=an_profile.person, suspended_now=True)
    stranger = OfficerAccountFactory()
    response = vneid(client, provider)
    assert response["Location"] == "/motcua/"  # the suspended one is not offered
    for target in (stranger, suspended):
        client.post("/motcua/chuyen-tai-khoan/", {"account": target.pk})
        assert client.session["officer_account_id"] == mine.pk
    assert OfficerLoginEvent.objects.filter(method="switch", success=False).count() == 2


def test_it_tells_an_officer_without_a_standardised_cccd_to_standardise(client, provider):
    OfficerAccountFactory(person=OfficerProfileFactory(incomplete=True).person)
    response = vneid(client, provider)
    assert response.status_code == 403
    assert "Tài khoản cán bộ chưa được chuẩn hóa số CCCD" in response.content.decode()
    assert "officer_account_id" not in client.session and "_auth_user_id" not in client.session
    assert OfficerLoginEvent.objects.get().reason == "not_standardised"


def test_it_does_not_trust_an_incomplete_profile_even_with_the_number(client, provider):
    profile = OfficerProfileFactory(id_number=AN, phone="")
    OfficerAccountFactory(person=profile.person)
    assert vneid(client, provider).status_code == 403


def test_it_refuses_when_every_account_is_suspended(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person, suspended_now=True)
    response = vneid(client, provider)
    assert response.status_code == 403
    assert "Tài khoản đang bị tạm đình chỉ" in response.content.decode()
    assert "officer_account_id" not in client.session


def test_it_still_opens_citizen_sessions_from_the_portal(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    response = provider.login(client)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session and "officer_account_id" not in client.session
    assert not OfficerProfile.objects.filter(id_verified_at__isnull=False).exists()


BACKCHANNEL = "/sso/backchannel-logout/"


def is_officer(client) -> bool:
    return client.get("/motcua/").status_code == 200


def test_it_ends_the_officer_session_when_the_sso_session_ends(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    vneid(client, provider)
    assert is_officer(client)
    other = provider.sid
    response = client.post(BACKCHANNEL, {"logout_token": provider.logout_token(sid="another-sid")})
    assert response.status_code == 200 and is_officer(client)  # another provider session: untouched
    response = client.post(BACKCHANNEL, {"logout_token": provider.logout_token(sid=other)})
    assert response.status_code == 200
    assert not is_officer(client)
    assert SsoSession.objects.get(purpose="backoffice").ended_at is not None
    assert AuditLog.objects.filter(action="officer.logout", after__reason="backchannel").exists()


def test_it_follows_the_officer_session_through_the_chooser_and_a_switch(client, provider, an_profile):
    first = OfficerAccountFactory(person=an_profile.person)
    second = OfficerAccountFactory(person=an_profile.person)
    vneid(client, provider)
    client.post("/motcua/dang-nhap/chon-tai-khoan/", {"account": second.pk})
    client.post("/motcua/chuyen-tai-khoan/", {"account": first.pk})
    assert client.session["officer_account_id"] == first.pk
    assert SsoSession.objects.get(purpose="backoffice").session_key == client.session.session_key
    client.post(BACKCHANNEL, {"logout_token": provider.logout_token()})
    assert not is_officer(client)


def test_it_keeps_the_officer_binding_when_the_same_person_signs_in_as_a_citizen(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    vneid(client, provider)
    assert provider.login(client).status_code == 302  # the same human opens the portal too
    rows = SsoSession.objects.filter(ended_at__isnull=True)
    assert {row.purpose for row in rows} == {"portal", "backoffice"}
    assert {row.session_key for row in rows} == {client.session.session_key}
    client.post(BACKCHANNEL, {"logout_token": provider.logout_token()})
    assert not is_officer(client) and client.get("/tai-khoan/").status_code == 302


def test_it_ends_the_binding_when_the_officer_signs_out(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    vneid(client, provider)
    client.post("/motcua/dang-xuat/")
    assert SsoSession.objects.get(purpose="backoffice").ended_at is not None


def start_vneid(client, provider) -> str:
    response = client.get("/motcua/dang-nhap/vneid/")
    assert response.status_code == 302
    provider.last_authorize = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    return provider.last_authorize["state"]


def assert_back_office_page(response, status: int, reason: str) -> None:
    page = response.content.decode()
    assert response.status_code == status, page
    assert reason in page
    assert 'href="/motcua/dang-nhap/vneid/"' in page  # VNeID again, or the issued account's form
    assert 'name="username"' in page
    assert "Không đăng nhập được qua hệ thống định danh quốc gia" not in page  # not the citizen page


def test_it_answers_an_officer_who_cancels_at_vneid_in_the_back_office(client, provider, an_profile):
    state = start_vneid(client, provider)
    response = client.get("/sso/callback/", {"error": "access_denied", "state": state})
    assert_back_office_page(response, 400, "Bạn đã hủy hoặc không cho phép đăng nhập.")
    assert LoginEvent.objects.get().success is False  # still logged, and counted per address
    assert "officer_account_id" not in client.session


def test_it_answers_a_refused_officer_token_in_the_back_office(client, provider, an_profile):
    OfficerAccountFactory(person=an_profile.person)
    state = start_vneid(client, provider)
    provider.id_token_overrides = {"aud": "another-client"}
    response = provider.callback(client, state)
    assert_back_office_page(response, 400, "không hợp lệ")
    assert "officer_account_id" not in client.session
    assert not OfficerLoginEvent.objects.filter(success=True).exists()


def test_it_answers_an_officer_in_the_back_office_when_the_provider_is_down(client, provider, an_profile):
    state = start_vneid(client, provider)
    provider.rsps.replace(responses.POST, TOKEN_URL, body=requests.ConnectionError("down"))
    assert_back_office_page(provider.callback(client, state), 503, "không phản hồi")


def test_it_answers_a_callback_whose_state_is_unknown_on_the_citizen_page(client, provider, an_profile):
    start_vneid(client, provider)
    response = provider.callback(client, "forged-state")
    assert response.status_code == 400
    assert "Không đăng nhập được qua hệ thống định danh quốc gia" in response.content.decode()
