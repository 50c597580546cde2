import datetime as dt
import unicodedata

import pytest
from django.utils import translation

from sandbox.population.models import RegistryQuery
from tests.sandbox.factories import ResidentFactory

TOKEN = "demo-population-token"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
PERSON_URL = "/population/api/v1/persons/{}"
MATCH_URL = "/population/api/v1/match"

pytestmark = pytest.mark.django_db


@pytest.fixture
def an():
    return ResidentFactory(
        id_number="001099012345",
        full_name="NGUYỄN VĂN AN",
        birth_date=dt.date(1999, 5, 12),
        permanent_address="Số 12 phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        current_address="Thôn 3, Xã Hưng Hà, Tỉnh Hưng Yên",
        place_of_origin="Xã Phụng Công, Tỉnh Hưng Yên",
    )


@pytest.fixture
def binh_with_cmnd():
    return ResidentFactory(
        female=True,
        full_name="TRẦN THỊ BÌNH",
        birth_date=dt.date(1980, 3, 2),
        legacy_cmnd="125678901",
    )


def match(client, payload, **headers):
    return client.post(MATCH_URL, payload, content_type="application/json", **(headers or AUTH))


def test_it_returns_a_person_record(client, an):
    response = client.get(PERSON_URL.format("001099012345"), **AUTH)
    assert response.status_code == 200
    assert response.json() == {
        "SoDinhDanh": "001099012345",
        "HoVaTen": "NGUYỄN VĂN AN",
        "NgayThangNamSinh": "19990512",
        "GioiTinh": "Nam",
        "ThuongTru": "Số 12 phố Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội",
        "NoiOHienNay": "Thôn 3, Xã Hưng Hà, Tỉnh Hưng Yên",
        "QueQuan": "Xã Phụng Công, Tỉnh Hưng Yên",
        "SoCMND": None,
        "DanToc": "Kinh",
        "QuocTich": "Việt Nam",
    }


def test_it_includes_the_legacy_cmnd(client, binh_with_cmnd):
    response = client.get(PERSON_URL.format(binh_with_cmnd.id_number), **AUTH)
    assert response.json()["SoCMND"] == "125678901"
    assert response.json()["GioiTinh"] == "Nữ"


def test_it_logs_each_lookup(client, an):
    client.get(PERSON_URL.format("001099012345"), **AUTH)
    client.get(PERSON_URL.format("079099000000"), **AUTH)
    rows = list(RegistryQuery.objects.order_by("id").values_list("client", "kind", "id_number", "outcome"))
    assert rows == [
        ("province", "lookup", "001099012345", "found"),
        ("province", "lookup", "079099000000", "not_found"),
    ]


def test_it_answers_404_for_an_unknown_number(client, an):
    response = client.get(PERSON_URL.format("079099000000"), **AUTH)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("number", ["00109901234", "0010990123456", "00109901234x", "003099012345"])
def test_it_answers_400_in_vietnamese_for_a_malformed_number(client, number):
    response = client.get(PERSON_URL.format(number), **AUTH)
    assert response.status_code == 400
    assert response.json()["message"] == "Số định danh cá nhân phải đúng 12 ký tự số"
    assert RegistryQuery.objects.get().outcome == "invalid"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong-token"},
        {"HTTP_AUTHORIZATION": f"Basic {TOKEN}"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": TOKEN},
    ],
)
def test_it_refuses_a_missing_or_wrong_token(client, an, headers):
    response = client.get(PERSON_URL.format("001099012345"), **headers)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "HoVaTen" not in response.json()
    response = client.post(MATCH_URL, {}, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not RegistryQuery.objects.exists()


def test_it_uses_the_token_from_settings(client, an, settings):
    settings.SANDBOX = {**settings.SANDBOX, "POPULATION_API_TOKEN": "rotated"}
    assert client.get(PERSON_URL.format("001099012345"), **AUTH).status_code == 401
    response = client.get(PERSON_URL.format("001099012345"), HTTP_AUTHORIZATION="Bearer rotated")
    assert response.status_code == 200


def test_it_refuses_other_methods_with_json(client):
    response = client.post(PERSON_URL.format("001099012345"), **AUTH)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert client.get(MATCH_URL, **AUTH).status_code == 405


def test_it_matches_a_person(client, an):
    response = match(
        client,
        {"SoDinhDanh": "001099012345", "HoVaTen": "NGUYỄN VĂN AN", "NgayThangNamSinh": "19990512"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["match"] is True
    assert body["record"]["SoDinhDanh"] == "001099012345"
    assert body["record"]["NgayThangNamSinh"] == "19990512"
    assert RegistryQuery.objects.get().outcome == "match"


@pytest.mark.parametrize(
    "name",
    [
        "nguyễn văn an",
        "  Nguyễn   Văn\tAn ",
        unicodedata.normalize("NFD", "NGUYỄN VĂN AN"),
        unicodedata.normalize("NFD", "nguyễn văn an"),
    ],
)
def test_it_matches_names_regardless_of_case_spacing_and_composition(client, an, name):
    response = match(client, {"SoDinhDanh": "001099012345", "HoVaTen": name, "NgayThangNamSinh": "19990512"})
    assert response.json()["match"] is True


@pytest.mark.parametrize(
    "payload",
    [
        {"SoDinhDanh": "001099012345", "HoVaTen": "NGUYỄN VĂN ÂN", "NgayThangNamSinh": "19990512"},
        {"SoDinhDanh": "001099012345", "HoVaTen": "NGUYEN VAN AN", "NgayThangNamSinh": "19990512"},
        {"SoDinhDanh": "001099012345", "HoVaTen": "NGUYỄN VĂN AN", "NgayThangNamSinh": "19990513"},
        {"SoDinhDanh": "001099012346", "HoVaTen": "NGUYỄN VĂN AN", "NgayThangNamSinh": "19990512"},
    ],
)
def test_it_does_not_match_when_any_field_differs(client, an, payload):
    response = match(client, payload)
    assert response.status_code == 200
    assert response.json() == {"match": False}
    assert RegistryQuery.objects.get().outcome == "no_match"


def test_it_matches_by_legacy_cmnd(client, binh_with_cmnd):
    response = match(client, {"SoCMND": "125678901", "HoVaTen": "Trần Thị Bình", "NgayThangNamSinh": "19800302"})
    body = response.json()
    assert body["match"] is True
    assert body["record"]["SoDinhDanh"] == binh_with_cmnd.id_number
    assert body["record"]["SoCMND"] == "125678901"
    query = RegistryQuery.objects.get()
    assert (query.kind, query.id_number, query.outcome) == ("match", "125678901", "match")


def test_it_does_not_match_an_unknown_cmnd(client, binh_with_cmnd):
    response = match(client, {"SoCMND": "999999999", "HoVaTen": "TRẦN THỊ BÌNH", "NgayThangNamSinh": "19800302"})
    assert response.json() == {"match": False}


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (
            {"SoDinhDanh": "12345", "HoVaTen": "A", "NgayThangNamSinh": "19990512"},
            "invalid_id_number",
        ),
        (
            {"SoDinhDanh": 1099012345, "HoVaTen": "A", "NgayThangNamSinh": "19990512"},
            "invalid_id_number",
        ),
        ({"SoCMND": "12345", "HoVaTen": "A", "NgayThangNamSinh": "19990512"}, "invalid_cmnd"),
        ({"HoVaTen": "A", "NgayThangNamSinh": "19990512"}, "missing_number"),
        ({"SoDinhDanh": "001099012345", "NgayThangNamSinh": "19990512"}, "missing_name"),
        (
            {"SoDinhDanh": "001099012345", "HoVaTen": "   ", "NgayThangNamSinh": "19990512"},
            "missing_name",
        ),
        (
            {"SoDinhDanh": "001099012345", "HoVaTen": "A", "NgayThangNamSinh": "1999-05-12"},
            "invalid_birth_date",
        ),
        (
            {"SoDinhDanh": "001099012345", "HoVaTen": "A", "NgayThangNamSinh": "19990231"},
            "invalid_birth_date",
        ),
        ({"SoDinhDanh": "001099012345", "HoVaTen": "A"}, "invalid_birth_date"),
    ],
)
def test_it_answers_400_for_a_bad_match_request(client, an, payload, error):
    response = match(client, payload)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert response.json()["message"]


def test_it_says_in_vietnamese_what_a_malformed_number_is(client):
    response = match(client, {"SoDinhDanh": "12345", "HoVaTen": "A", "NgayThangNamSinh": "19990512"})
    assert response.json()["message"] == "Số định danh cá nhân phải đúng 12 ký tự số"


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe", b""])
def test_it_answers_400_for_a_body_that_is_not_a_json_object(client, body):
    response = client.post(MATCH_URL, body, content_type="application/json", **AUTH)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_json"


def test_it_needs_no_csrf_token(an):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    response = match(
        csrf_client,
        {"SoDinhDanh": "001099012345", "HoVaTen": "NGUYỄN VĂN AN", "NgayThangNamSinh": "19990512"},
    )
    assert response.status_code == 200


def test_it_answers_in_english_when_asked(client):
    with translation.override("vi"):
        response = client.get(PERSON_URL.format("123"), HTTP_ACCEPT_LANGUAGE="en", **AUTH)
    assert response.json()["message"] == ("The personal identification number must be exactly 12 digits")
