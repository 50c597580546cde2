"""The national portal's sync feed: changes after a cursor, keyset on (updated_at, id)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from province.dossiers.models import Dossier, Status
from tests.province.api.conftest import make_client
from tests.province.dossiers.factories import submit, submittable_procedure
from tests.province.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/sync/dossiers"


@pytest.fixture
def national(db):
    return make_client(client_id="dvcqg", scopes="dossiers:sync", kind="national_portal")


def five_dossiers() -> list[Dossier]:
    procedure = submittable_procedure()
    dossiers = [submit(applicant=PersonFactory(), procedure=procedure, key=f"key-sync-{n:04d}") for n in range(5)]
    base = timezone.now() - dt.timedelta(minutes=10)
    # two share a timestamp: the id breaks the tie
    stamps = [base, base + dt.timedelta(seconds=1), base + dt.timedelta(seconds=1), base + dt.timedelta(seconds=2)]
    stamps.append(base + dt.timedelta(seconds=3))
    for dossier, stamp in zip(dossiers, stamps, strict=True):
        Dossier.objects.filter(pk=dossier.pk).update(updated_at=stamp)
    return dossiers


def test_it_pages_through_every_change_once_in_order(national, bearer):
    dossiers = five_dossiers()
    headers = bearer("dvcqg")
    seen: list[str] = []
    cursor = ""
    for _ in range(5):
        page = Client().get(URL, {"limit": 2, "cursor": cursor}, **headers).json()
        if not page["items"]:
            break
        seen += [item["code"] for item in page["items"]]
        cursor = page["next_cursor"]

    assert seen == [d.code for d in dossiers]
    again = Client().get(URL, {"cursor": cursor}, **headers).json()
    assert again == {"items": [], "next_cursor": cursor}


def test_it_returns_a_dossier_again_after_it_changes(national, bearer):
    dossiers = five_dossiers()
    headers = bearer("dvcqg")
    cursor = Client().get(URL, {"limit": 10}, **headers).json()["next_cursor"]

    Dossier.objects.filter(pk=dossiers[1].pk).update(
        status=Status.ACCEPTED, updated_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = Client().get(URL, {"cursor": cursor}, **headers).json()

    assert [(i["code"], i["status"], i["status_name"]) for i in page["items"]] == [
        (dossiers[1].code, 2, "Được tiếp nhận")
    ]


@override_settings(API_SYNC_LAG_SECONDS=60)
def test_it_holds_back_changes_younger_than_the_lag(national, bearer):
    procedure = submittable_procedure()
    submit(applicant=PersonFactory(), procedure=procedure)

    assert Client().get(URL, **bearer("dvcqg")).json()["items"] == []


@pytest.mark.parametrize("cursor", ["bm90LWEtY3Vyc29y", "MjAyNS0wMS0wMVQwMDowMDowMHxhYmM", "!!"])
def test_it_refuses_a_bad_cursor(national, bearer, cursor):
    response = Client().get(URL, {"cursor": cursor}, **bearer("dvcqg"))

    assert response.status_code == 422
    assert "cursor" in response.json()["error"]["fields"]


def test_it_carries_no_personal_data(national, bearer):
    five_dossiers()
    item = Client().get(URL, **bearer("dvcqg")).json()["items"][0]

    assert set(item) == {
        "code",
        "procedure_code",
        "agency_code",
        "status",
        "status_name",
        "channel",
        "submitted_at",
        "received_at",
        "due_at",
        "updated_at",
    }
