from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY

from province.accounts.models import AuditLog, ExternalIdentity, LoginEvent, Organisation, Person
from province.sso.models import SsoSession
from tests.province.conftest import ISSUER, business_claims, citizen_claims

pytestmark = pytest.mark.django_db


def test_it_creates_one_person_and_identity_and_logs_in(client, provider):
    state = provider.start(client, "/tai-khoan/")
    key_before = client.session.session_key
    response = provider.callback(client, state)

    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/"
    person = Person.objects.get()
    identity = ExternalIdentity.objects.get()
    assert (identity.issuer, identity.subject, identity.person) == (ISSUER, "vneid-sub-001", person)
    assert identity.tech_id == "dvcqg-tech-001"
    assert "nonce" not in identity.claims and identity.claims["SoDinhDanh"] == "033180012345"
    assert person.full_name == "Đỗ Thị Thanh Phúc"
    assert person.id_number == "033180012345"
    assert person.verified and person.identification_level == 2
    assert not person.has_usable_password()
    session = client.session
    assert session[SESSION_KEY] == str(person.pk)
    assert session.session_key != key_before
    assert session["sso_sid"] == "sid-001"
    assert session["sso_id_token"]
    assert SsoSession.objects.get().session_key == session.session_key
    event = LoginEvent.objects.get()
    assert event.success and event.person == person
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"person.created", "identity.linked", "session.login"} <= actions


def test_it_uses_pkce_s256_state_nonce_and_the_exact_redirect_uri(client, provider):
    provider.login(client)
    params = provider.last_authorize
    assert params["code_challenge_method"] == "S256"
    assert params["redirect_uri"] == "http://127.0.0.1:8000/sso/callback/"
    assert params["client_id"] == "province-portal"
    assert params["state"] and params["nonce"]
    assert "dinhdanh" in params["scope"].split()
    form = provider.token_requests[0]["form"]
    assert form["code_verifier"] and form["redirect_uri"] == params["redirect_uri"]
    assert "client_secret" not in form  # client_secret_basic


def test_it_refreshes_identity_fields_on_second_login(client, provider):
    provider.login(client)
    client.post("/dang-xuat/")
    provider.claims = citizen_claims(HoVaTen="Đỗ Thị Thanh Phúc Mới", SoDienThoai="0987654321")
    provider.login(client)

    person = Person.objects.get()
    assert person.full_name == "Đỗ Thị Thanh Phúc Mới"
    assert person.phone == "0987654321"
    row = AuditLog.objects.get(action="person.identity_refreshed")
    assert row.before["full_name"] == "Đỗ Thị Thanh Phúc"
    assert row.after["full_name"] == "Đỗ Thị Thanh Phúc Mới"
    assert LoginEvent.objects.filter(success=True).count() == 2


def test_it_links_a_second_subject_with_the_same_id_number_to_the_same_person(client, provider):
    provider.login(client)
    client.post("/dang-xuat/")
    provider.claims = citizen_claims(sub="dvcqg-legacy-sub", TechID="dvcqg-tech-legacy")
    provider.login(client)

    assert Person.objects.count() == 1
    assert ExternalIdentity.objects.count() == 2
    assert set(ExternalIdentity.objects.values_list("person", flat=True)) == {Person.objects.get().pk}


def test_it_keeps_a_legacy_cmnd_as_an_alias_of_the_same_person(client, provider):
    provider.claims = citizen_claims(sub="legacy", SoDinhDanh=None, SoCMND="145678901", loAs=1)
    provider.login(client)
    client.post("/dang-xuat/")
    provider.claims = citizen_claims(SoCMND="145678901")
    provider.login(client)

    person = Person.objects.get()
    assert (person.id_number, person.cmnd) == ("033180012345", "145678901")


def test_it_signs_in_a_business_with_its_representative(client, provider):
    provider.claims = business_claims()
    response = provider.login(client)

    assert response.status_code == 302
    org = Organisation.objects.get()
    assert (org.business_code, org.name) == ("0900123456", "Công ty TNHH Nhãn lồng Hưng Yên")
    person = Person.objects.get()
    assert person.id_number == "033180012345"
    assert list(org.members.all()) == [person]
    assert person.phone == ""  # the business account's phone is the business's
    assert org.phone == "0221388888"
    assert client.session["acting_org"]["code"] == "0900123456"
    page = client.get("/tai-khoan/").content.decode()
    assert "0900123456" in page and "Công ty TNHH Nhãn lồng Hưng Yên" in page
    assert "Tài khoản doanh nghiệp" in page
    assert LoginEvent.objects.get().organisation == org


def test_it_switches_between_the_citizen_and_the_business_account(client, provider):
    provider.claims = business_claims()
    provider.login(client)
    org = Organisation.objects.get()

    assert client.get("/tai-khoan/chuyen-tai-khoan/").status_code == 405
    response = client.post("/tai-khoan/chuyen-tai-khoan/", {"organisation": ""})
    assert response.status_code == 302
    assert client.session["acting_org"] is None
    page = client.get("/tai-khoan/").content.decode()
    assert "Tài khoản công dân" in page and "0900123456" not in page

    client.post("/tai-khoan/chuyen-tai-khoan/", {"organisation": str(org.pk)})
    assert client.session["acting_org"]["id"] == org.pk
    switches = AuditLog.objects.filter(action="session.context_switched").order_by("id")
    assert [row.after["organisation"] for row in switches] == [None, "0900123456"]


def test_it_refuses_to_switch_to_a_business_the_person_does_not_represent(client, provider):
    other = Organisation.objects.create(business_code="0100000001", name="Khác")
    provider.login(client)
    client.post("/tai-khoan/chuyen-tai-khoan/", {"organisation": str(other.pk)})
    assert client.session.get("acting_org") is None
    assert not AuditLog.objects.filter(action="session.context_switched").exists()


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example",
        "http://evil.example",
        "/\\evil.example",
        "https://evil.example/x",
        "javascript:alert(1)",
        "///evil.example",
        "/\t/evil.example",
    ],
)
def test_it_ignores_an_open_redirect_next(client, provider, next_url):
    response = provider.login(client, next_url)
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_it_keeps_a_safe_next_path(client, provider):
    response = provider.login(client, "/tai-khoan/nhat-ky-dang-nhap/?trang=2")
    assert response["Location"] == "/tai-khoan/nhat-ky-dang-nhap/?trang=2"


def test_it_logs_out_only_by_post_and_ends_the_upstream_session(client, provider):
    provider.login(client)
    id_token = client.session["sso_id_token"]
    assert client.get("/dang-xuat/").status_code == 405

    response = client.post("/dang-xuat/")
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{ISSUER}/logout/"
    query = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert query["id_token_hint"] == id_token
    assert query["post_logout_redirect_uri"] == "http://127.0.0.1:8000/"
    assert query["state"]
    assert SESSION_KEY not in client.session
    assert SsoSession.objects.get().ended_at is not None
    assert AuditLog.objects.filter(action="session.logout").exists()
    assert client.get("/tai-khoan/").status_code == 302


def test_it_requires_csrf_for_logout(provider, db):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    provider.login(csrf_client)
    assert csrf_client.post("/dang-xuat/").status_code == 403
    assert SESSION_KEY in csrf_client.session


def test_it_answers_the_callback_with_few_queries(client, provider, django_assert_max_num_queries):
    provider.login(client)
    client.post("/dang-xuat/")
    state = provider.start(client)
    with django_assert_max_num_queries(22):
        response = provider.callback(client, state)
    assert response.status_code == 302


def test_it_accepts_a_callback_without_the_iss_parameter(client, provider):
    state = provider.start(client)
    response = client.get("/sso/callback/", {"code": "c", "state": state})
    assert response.status_code == 302


def test_it_sends_an_anonymous_logout_home(client, db):
    response = client.post("/dang-xuat/")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_it_sets_a_timeout_on_every_call_to_the_provider(client, provider):
    provider.login(client)
    assert provider.rsps.calls
    for call in provider.rsps.calls:
        assert call.request.req_kwargs["timeout"] == 10, call.request.url


def test_it_still_ends_the_portal_session_when_the_provider_is_down(client, provider):
    from django.core.cache import cache

    from province.sso import provider as provider_module

    provider.login(client)
    cache.clear()  # forget the discovery document, in the shared cache and in this process
    provider_module.forget()
    provider.rsps.replace("GET", provider_discovery(), body=requests.ConnectionError("down"))
    response = client.post("/dang-xuat/")
    assert (response.status_code, response["Location"]) == (302, "/")
    assert SESSION_KEY not in client.session


def provider_discovery():
    from tests.province.conftest import DISCOVERY_URL

    return DISCOVERY_URL
