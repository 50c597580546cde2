"""The public lookup is the busiest anonymous page: two queries whatever the timeline's
length, and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bench import dataset
from province.dossiers.models import Dossier
from province.dossiers.services import last_four_digits
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_it_answers_a_lookup_with_two_queries(client, django_assert_num_queries):
    ProcedureFactory(agencies=[AgencyFactory()])
    dataset.load(dossiers=40, people=10, today=dt.date(2026, 3, 2), echo=lambda _line: None)
    dossier = Dossier.objects.filter(status=10).only("code", "applicant_info").first()
    assert dossier is not None and dossier.events.count() == 5
    digits = last_four_digits(dossier.applicant_info["phone"])

    with django_assert_num_queries(2):
        response = client.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": digits})

    assert response.status_code == 200
    assert "Đã trả kết quả" in response.content.decode()
    assert "tthc_sessionid" not in response.cookies
