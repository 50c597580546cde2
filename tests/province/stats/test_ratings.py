from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from province.accounts.models import AuditLog
from province.dossiers.models import Dossier, Status
from province.stats.models import DailyStat, Rating
from province.stats.services import RatingRefused, rating_create
from tests.province.backoffice.conftest import sign_in
from tests.province.backoffice.factories import OfficerAccountFactory, UnitFactory
from tests.province.dossiers.factories import submit
from tests.province.factories import MembershipFactory, PersonFactory

from .helpers import move

pytestmark = pytest.mark.django_db


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def returned() -> Dossier:
    dossier = submit()
    for status in (Status.ACCEPTED, Status.PROCESSING, Status.DONE, Status.RETURNED):
        dossier = move(dossier, status, at=timezone.now())
    return dossier


def _rate(client: Client, dossier: Dossier, **data: str) -> Any:
    return client.post(reverse("stats:rate", kwargs={"code": dossier.code}), data, follow=True)


def test_it_lets_the_applicant_rate_a_returned_dossier_once(returned: Dossier) -> None:
    client = signed_in(returned.applicant)
    detail = client.get(reverse("dossiers:detail", kwargs={"code": returned.code})).content.decode()
    assert "Đánh giá mức độ hài lòng" in detail and "Rất không hài lòng" in detail
    html = _rate(client, returned, level="4", comment="Cán bộ hướng dẫn tận tình").content.decode()
    assert "Cảm ơn bạn đã đánh giá" in html
    assert "Bạn đã đánh giá “Hài lòng”" in html
    rating = Rating.objects.get(dossier=returned)
    assert (rating.level, rating.person_id) == (4, returned.applicant_id)
    assert AuditLog.objects.filter(action="dossier_rate", object_id=str(rating.pk)).exists()
    assert sum(DailyStat.objects.values_list("rating_4", flat=True)) == 1

    html = _rate(client, returned, level="1").content.decode()
    assert "Hồ sơ này đã được đánh giá." in html
    assert Rating.objects.filter(dossier=returned).count() == 1
    assert sum(DailyStat.objects.values_list("rating_1", flat=True)) == 0


def test_it_keeps_one_rating_per_dossier_in_the_database(returned: Dossier) -> None:
    Rating.objects.create(dossier=returned, level=5, person=returned.applicant, created_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(dossier=returned, level=1, person=returned.applicant, created_at=timezone.now())
    with pytest.raises(RatingRefused):
        rating_create(dossier=returned, person=returned.applicant, level=3, comment="", request_info=None)


def test_it_answers_404_for_someone_elses_dossier(returned: Dossier) -> None:
    stranger = signed_in(PersonFactory())
    response = stranger.post(reverse("stats:rate", kwargs={"code": returned.code}), {"level": "1"})
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_it_needs_a_signed_in_applicant_and_a_post(returned: Dossier) -> None:
    response = Client().post(reverse("stats:rate", kwargs={"code": returned.code}), {"level": "1"})
    assert response.status_code == 302 and "/dang-nhap" in response["Location"]
    response = signed_in(returned.applicant).get(reverse("stats:rate", kwargs={"code": returned.code}))
    assert response.status_code == 405
    assert not Rating.objects.exists()


def test_it_lets_a_member_acting_for_the_business_rate_its_dossier() -> None:
    membership = MembershipFactory()
    colleague = MembershipFactory(organisation=membership.organisation)
    dossier = submit(applicant=membership.person, organisation=membership.organisation)
    for status in (Status.ACCEPTED, Status.PROCESSING, Status.DONE, Status.RETURNED):
        dossier = move(dossier, status, at=timezone.now())
    client = signed_in(colleague.person)
    assert client.post(reverse("stats:rate", kwargs={"code": dossier.code}), {"level": "5"}).status_code == 404
    session = client.session
    session["acting_org"] = {"id": membership.organisation.pk, "name": membership.organisation.name}
    session.save()
    _rate(client, dossier, level="5")
    assert Rating.objects.get(dossier=dossier).person_id == colleague.person_id


@pytest.mark.parametrize("status", [Status.NEW, Status.PROCESSING, Status.DONE, Status.WITHDRAWN])
def test_it_refuses_a_rating_before_the_result_is_returned(status: int) -> None:
    dossier = submit()
    if status != Status.NEW:
        dossier = move(dossier, status, at=timezone.now())
    client = signed_in(dossier.applicant)
    detail = client.get(reverse("dossiers:detail", kwargs={"code": dossier.code})).content.decode()
    assert "Gửi đánh giá" not in detail
    html = _rate(client, dossier, level="5").content.decode()
    assert "Chỉ đánh giá được hồ sơ đã trả kết quả." in html
    assert not Rating.objects.exists()


@pytest.mark.parametrize("level", ["", "0", "6", "abc"])
def test_it_refuses_a_level_outside_the_five(returned: Dossier, level: str) -> None:
    html = _rate(signed_in(returned.applicant), returned, level=level).content.decode()
    assert "mức độ hài lòng" in html.lower()
    assert not Rating.objects.exists()


def test_it_shows_ratings_to_the_officers_of_the_agency_escaped(returned: Dossier, outbox: Any) -> None:
    rating_create(
        dossier=returned,
        person=returned.applicant,
        level=1,
        comment="<script>alert(1)</script> chờ lâu",
        request_info=None,
    )
    unit = UnitFactory(code=returned.agency.code)
    officer = OfficerAccountFactory(unit=unit)
    client = Client()
    sign_in(client, officer, outbox)
    html = client.get(reverse("stats:officer_ratings")).content.decode()
    assert returned.code in html and "Rất không hài lòng" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; chờ lâu" in html

    other = OfficerAccountFactory(unit=UnitFactory())
    client = Client()
    sign_in(client, other, outbox)
    html = client.get(reverse("stats:officer_ratings")).content.decode()
    assert returned.code not in html
