from __future__ import annotations

import datetime as dt
import json

import pytest
import requests
import responses

from province import registry

API = "http://127.0.0.1:8001/population/api/v1"
RECORD = {
    "SoDinhDanh": "001180123456",
    "HoVaTen": "TRẦN THỊ BÌNH",
    "NgayThangNamSinh": "19800302",
    "GioiTinh": "Nữ",
    "ThuongTru": "Phường Hiến Nam, Tỉnh Hưng Yên",
    "NoiOHienNay": "Phường Hiến Nam, Tỉnh Hưng Yên",
    "QueQuan": "Xã Phụng Công, Tỉnh Hưng Yên",
    "SoCMND": "125678901",
    "DanToc": "Kinh",
    "QuocTich": "Việt Nam",
}


@pytest.fixture
def rsps():
    with responses.RequestsMock() as mock:
        yield mock


def test_it_matches_by_id_number_name_and_birth_date(rsps):
    rsps.post(f"{API}/match", json={"match": True, "record": RECORD})
    record = registry.match(id_number="001180123456", full_name="Trần Thị Bình", birth_date=dt.date(1980, 3, 2))
    assert record is not None
    assert (record.id_number, record.full_name, record.birth_date) == (
        "001180123456",
        "TRẦN THỊ BÌNH",
        dt.date(1980, 3, 2),
    )
    assert record.cmnd == "125678901" and record.gender == "Nữ"
    sent = rsps.calls[0].request
    assert sent.headers["Authorization"] == "Bearer demo-population-token"
    assert json.loads(sent.body) == {
        "SoDinhDanh": "001180123456",
        "HoVaTen": "Trần Thị Bình",
        "NgayThangNamSinh": "19800302",
    }


def test_it_matches_by_cmnd(rsps):
    rsps.post(f"{API}/match", json={"match": True, "record": RECORD})
    record = registry.match_cmnd(cmnd="125678901", full_name="Trần Thị Bình", birth_date=dt.date(1980, 3, 2))
    assert record is not None and record.id_number == "001180123456"
    assert json.loads(rsps.calls[0].request.body)["SoCMND"] == "125678901"


def test_it_returns_none_when_the_registry_says_no_match(rsps):
    rsps.post(f"{API}/match", json={"match": False})
    assert registry.match(id_number="001180123456", full_name="Ai Đó", birth_date=dt.date(1980, 3, 2)) is None


def test_it_returns_none_when_the_registry_refuses_the_input(rsps):
    rsps.post(f"{API}/match", status=400, json={"error": "invalid_id_number", "message": "…"})
    assert registry.match(id_number="001180123456", full_name="Ai Đó", birth_date=dt.date(1980, 3, 2)) is None


def test_it_looks_a_person_up(rsps):
    rsps.get(f"{API}/persons/001180123456", json=RECORD)
    rsps.get(f"{API}/persons/001180999999", status=404, json={"error": "not_found"})
    assert registry.lookup(id_number="001180123456").hometown == "Xã Phụng Công, Tỉnh Hưng Yên"
    assert registry.lookup(id_number="001180999999") is None


def test_it_never_puts_arbitrary_text_in_the_lookup_path(rsps):
    assert registry.lookup(id_number="../admin") is None
    assert not rsps.calls


@pytest.mark.parametrize(
    "reply",
    [
        {"body": requests.ConnectionError("refused")},
        {"body": requests.Timeout("slow")},
        {"status": 500, "json": {"error": "boom"}},
        {"status": 503, "body": "<html>maintenance</html>"},
        {"status": 401, "json": {"error": "unauthorized"}},
        {"status": 200, "body": "not json"},
        {"status": 200, "json": {"match": True}},
    ],
)
def test_it_raises_registry_unavailable_when_it_gets_no_answer(rsps, reply):
    rsps.post(f"{API}/match", **reply)
    with pytest.raises(registry.RegistryUnavailable):
        registry.match(id_number="001180123456", full_name="Trần Thị Bình", birth_date=dt.date(1980, 3, 2))


def test_it_reads_url_token_and_timeout_from_settings(rsps, settings):
    settings.POPULATION_REGISTRY = {
        "BACKEND": "province.registry.backends.HttpRegistry",
        "URL": "https://dancu.example.gov.vn/api/",
        "TOKEN": "secret-token",
        "TIMEOUT_SECONDS": 3,
    }
    rsps.post("https://dancu.example.gov.vn/api/match", json={"match": False})
    registry.match(id_number="001180123456", full_name="A", birth_date=dt.date(1980, 3, 2))
    assert rsps.calls[0].request.headers["Authorization"] == "Bearer secret-token"
    assert registry.get_registry().timeout == 3
