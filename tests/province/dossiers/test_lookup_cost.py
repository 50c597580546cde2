"""The public lookup is the busiest anonymous page: one query whatever the timeline's
length, and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bench import dataset
from province.dossiers.models import Dossier
from province.dossiers.services import last_four_digits
from tests.province.catalogue.factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


def test_it_answers_a_lookup_with_one_query(client, django_assert_num_queries):
    ProcedureFactory(agencies=[AgencyFactory()])
    dataset.load(dossiers=40, people=10, today=dt.date(2026, 3, 2), echo=lambda _line: None)
    dossier = Dossier.objects.filter(status=10).only("code", "applicant_info").first()
    assert dossier is not None and dossier.events.count() == 5
    digits = last_four_digits(dossier.applicant_info["phone"])

    with django_assert_num_queries(1):
        response = client.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": digits})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Đã trả kết quả" in page
    # the whole timeline, in order, in local time
    events = list(dossier.events.order_by("at", "id"))
    shown = [timezone.localtime(e.at).strftime("%H:%M %d/%m/%Y") for e in events]
    assert [page.index(text) for text in shown] == sorted(page.index(text) for text in shown)
    assert page.count('<time datetime="') == len(events)
    assert "tthc_sessionid" not in response.cookies
