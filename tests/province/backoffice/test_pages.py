"""Every back-office page renders for the people allowed to see it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from tests.province.conftest import citizen_claims

from .conftest import sign_in
from .factories import CampaignFactory, OfficerAccountFactory, OfficerProfileFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_it_renders_every_admin_page(client, outbox):
    unit = UnitFactory()
    admin = OfficerAccountFactory(admin=True, unit=unit)
    campaign = CampaignFactory(unit=unit)
    sign_in(client, admin, outbox)
    for url in (
        "/motcua/",
        "/motcua/trang-ca-nhan/",
        "/motcua/trang-ca-nhan/cap-nhat/",
        "/motcua/nhat-ky-dang-nhap/",
        "/motcua/quan-tri/don-vi/",
        f"/motcua/quan-tri/don-vi/{unit.pk}/",
        f"/motcua/quan-tri/don-vi/{unit.pk}/tai-khoan/",
        f"/motcua/quan-tri/tai-khoan/{admin.pk}/vai-tro/",
        "/motcua/quan-tri/chuan-hoa/",
        f"/motcua/quan-tri/chuan-hoa/{campaign.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "HỆ THỐNG MỘT CỬA ĐIỆN TỬ" in response.content.decode()


def test_it_marks_required_fields_on_the_profile_form(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    page = client.get("/motcua/trang-ca-nhan/cap-nhat/").content.decode()
    assert page.count('class="req"') == 5
    assert 'for="id_id_number"' in page and 'id="id_id_number"' in page


def test_it_ends_an_idle_officer_session(client, outbox):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, OfficerAccountFactory(), outbox)
        traveller.shift(dt.timedelta(minutes=31))
        assert client.get("/motcua/").status_code == 302


def test_it_ends_another_persons_citizen_session_at_officer_sign_in(client, provider, outbox):
    provider.claims = citizen_claims()
    provider.login(client)
    assert "_auth_user_id" in client.session
    sign_in(client, OfficerAccountFactory(person=OfficerProfileFactory().person), outbox)
    assert "_auth_user_id" not in client.session
    assert client.get("/motcua/").status_code == 200


def test_it_paginates_the_login_log(client, outbox):
    account = OfficerAccountFactory()
    for _ in range(3):
        sign_in(client, account, outbox)
        client.post("/motcua/dang-xuat/")
    sign_in(client, account, outbox)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("province.backoffice.views.LOG_PAGE_SIZE", 2)
        page = client.get("/motcua/nhat-ky-dang-nhap/").content.decode()
    assert "Trang 1/2" in page
