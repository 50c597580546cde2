"""bench/scale.py's measuring functions on a tiny dataset, and the claims form of
bench/fake_oidc.py that its sign-ins use: every timed request must really do what the path
is for (a failure is raised, not timed)."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.db.models import Count
from joserfc import jwt

from bench import dataset, fake_oidc, scale, stats_page
from province.accounts.models import ExternalIdentity, Person
from province.dossiers.models import Dossier
from province.stats import counters
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def loaded(settings: Any) -> None:
    settings.DOSSIER_LOOKUP_RATE = 1_000_000
    ProcedureFactory(agencies=[AgencyFactory()])
    dataset.load(dossiers=60, people=20, today=TODAY, echo=lambda _line: None)


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@pytest.fixture
def fake_provider(settings: Any) -> Iterator[str]:
    """bench/fake_oidc.py on a local port, named as the portal's provider."""
    server = make_server("127.0.0.1", 0, fake_oidc.make_app("unknown yet"), handler_class=_Quiet)
    issuer = f"http://127.0.0.1:{server.server_port}/oauth2"
    server.set_app(fake_oidc.make_app(issuer))
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "ISSUER": issuer, "CLIENT_ID": fake_oidc.CLIENT_ID}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield issuer
    server.shutdown()
    server.server_close()


def _call(app: Any, path: str, *, form: dict[str, str] | None = None, token: str = "") -> dict[str, Any]:
    body = urlencode(form or {}).encode()
    environ = {
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_AUTHORIZATION": f"Bearer {token}",
    }
    answer: dict[str, Any] = json.loads(b"".join(app(environ, lambda *_a: None)))
    return answer


def _id_token_claims(app: Any, code: str) -> tuple[dict[str, Any], str]:
    tokens = _call(app, "/oauth2/token", form={"code": code})
    return dict(jwt.decode(tokens["id_token"], fake_oidc.KEY).claims), tokens["access_token"]


def test_it_asserts_exactly_the_claims_a_code_carries():
    app = fake_oidc.make_app("http://idp.test/oauth2")
    asserted = {"sub": "scale-7", "SoDinhDanh": "033199012345", "HoVaTen": "NGUYỄN VĂN AN", "loAs": 2}

    claims, access_token = _id_token_claims(app, fake_oidc.claims_code(asserted, "n-1"))

    assert {k: claims.pop(k) for k in ("iss", "aud", "nonce")} == {
        "iss": "http://idp.test/oauth2",
        "aud": fake_oidc.CLIENT_ID,
        "nonce": "n-1",
    }
    assert claims.pop("exp") > claims.pop("iat")
    assert claims.pop("sid").startswith("sid-scale-7-")
    assert claims == asserted
    assert _call(app, "/oauth2/userinfo", token=access_token) == asserted


def test_it_keeps_the_numbered_code_of_the_other_benches():
    app = fake_oidc.make_app("http://idp.test/oauth2")

    claims, access_token = _id_token_claims(app, "42.n-2")

    assert claims["sub"] == "bench-42" and claims["SoDinhDanh"] == fake_oidc.person(42)["SoDinhDanh"]
    assert claims["nonce"] == "n-2"
    assert _call(app, "/oauth2/userinfo", token=access_token) == fake_oidc.person(42)


def test_it_picks_different_random_rows():
    ProcedureFactory(agencies=[AgencyFactory()])
    dataset.load(dossiers=30, people=10, today=TODAY, echo=lambda _line: None)

    rows = scale.random_rows(Dossier.objects.all(), 12, random.Random(1))

    assert len(rows) == len({row.pk for row in rows}) == 12
    assert scale.random_rows(Dossier.objects.none(), 3, random.Random(1)) == []


def test_it_times_lookups_that_find_the_dossier(loaded):
    measured = scale.measure_lookup(6, random.Random(2), warm_up=2)

    for way in ("form", "api"):
        assert measured[way]["requests"] == 6
        assert measured[way]["sql_per_request"] == {"median": 1, "max": 1}
        assert 0 < measured[way]["p50_ms"] <= measured[way]["p95_ms"] <= measured[way]["max_ms"]


def test_it_refuses_to_time_a_lookup_that_finds_nothing(loaded, settings):
    settings.SECRET_KEY = "not-the-key-the-digests-were-made-with"

    with pytest.raises(AssertionError, match="lookup form"):
        scale.measure_lookup(3, random.Random(2), warm_up=1)


IDENTITY = ("full_name", "id_number", "birth_date", "gender", "phone", "permanent_address", "identity_email")


def test_it_signs_dataset_people_in_for_the_first_time_and_again(loaded, fake_provider):
    people = Person.objects.count()
    before = {row["pk"]: row for row in Person.objects.values("pk", *IDENTITY)}

    measured = scale.measure_sign_in(4, random.Random(3), warm_up=2)

    assert measured["first"]["requests"] == measured["returning"]["requests"] == 4
    # a first sign-in links an identity, a returning one does not: more statements
    assert measured["first"]["sql_per_request"]["median"] > measured["returning"]["sql_per_request"]["median"]
    assert Person.objects.count() == people  # found by số định danh, none created
    linked = ExternalIdentity.objects.filter(subject__startswith=scale.SUBJECT_PREFIX).select_related("person")
    assert len(linked) == 6
    assert all(identity.subject == f"scale-{identity.person.pk}" for identity in linked)
    # the claims are the person's own: signing in changes none of the identity fields
    assert all(
        Person.objects.values("pk", *IDENTITY).get(pk=identity.person.pk) == before[identity.person.pk]
        for identity in linked
    )


def test_it_shows_people_their_own_dossiers(loaded, fake_provider):
    busiest = (
        Dossier.objects.filter(organisation__isnull=True, applicant__id_number__isnull=False)
        .values("applicant_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)[0]
    )

    measured = scale.measure_my_dossiers(5, random.Random(4), scale.sign_in, warm_up=2)

    assert measured["people"]["requests"] == 5
    assert measured["busiest_person"]["requests"] == 5
    assert measured["busiest_person"]["dossiers"] == busiest


def test_it_says_when_the_statistics_are_empty_and_measures_them_once_counted(loaded):
    assert "stats_recount" in scale.measure_statistics(7)["skipped"]

    counters.recount(fix=True)
    measured = scale.measure_statistics(14)

    assert measured["requests"] == 14
    assert measured["aggregates"]["received"] == Dossier.objects.count()
    assert set(measured["per_variant_p95_ms"]) == set(stats_page.page_variants(year=2026, month=3, agency=0, field=0))


def test_it_reports_the_dataset_size(loaded):
    from django.db import connection

    if connection.vendor == "postgresql":  # estimates, exact for small tables once analysed
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE accounts_person, dossiers_dossier, dossiers_dossierevent")
        expected = "pg_class.reltuples estimates (as of the last ANALYZE/VACUUM)"
    else:
        expected = "exact count(*)"

    size = scale.dataset_size()

    assert (size["dossiers"], size["counted_with"]) == (Dossier.objects.count(), expected)
    assert size["people"] == Person.objects.count()
