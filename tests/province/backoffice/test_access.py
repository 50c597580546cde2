"""The officer area and the citizen portal never share rights."""

from __future__ import annotations

import pytest

from .conftest import sign_in
from .factories import OfficerAccountFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_officer_login(client):
    response = client.get("/motcua/trang-ca-nhan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/motcua/dang-nhap/?next=")


def test_it_refuses_a_citizen_session_at_motcua(signed_in):
    response = signed_in.get("/motcua/")
    assert response.status_code == 302 and response["Location"].startswith("/motcua/dang-nhap/")


def test_it_does_not_open_the_citizen_account_page_for_an_officer(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    assert client.get("/motcua/").status_code == 200
    response = client.get("/tai-khoan/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
    assert client.post("/phien/giu-ket-noi/").status_code == 401


def test_it_ends_the_officer_session_at_logout(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    client.post("/motcua/dang-xuat/")
    assert client.get("/motcua/").status_code == 302


def test_it_ends_the_officer_session_when_the_account_gets_suspended(client, outbox):
    account = OfficerAccountFactory()
    sign_in(client, account, outbox)
    account.suspended = True
    account.save()
    assert client.get("/motcua/").status_code == 302


def test_it_forbids_admin_pages_to_non_admins(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    assert client.get("/motcua/quan-tri/don-vi/").status_code == 403


def test_it_refuses_other_units_ids_in_urls_and_forms(client, outbox):
    province = UnitFactory(name="UBND tỉnh")
    justice = UnitFactory(name="Sở Tư pháp", parent=province)
    building = UnitFactory(name="Sở Xây dựng", parent=province)
    admin = OfficerAccountFactory(admin=True, unit=justice)
    other = OfficerAccountFactory(unit=building)
    own = OfficerAccountFactory(unit=justice)
    sign_in(client, admin, outbox)
    assert client.get(f"/motcua/quan-tri/don-vi/{justice.pk}/tai-khoan/").status_code == 200
    assert client.get(f"/motcua/quan-tri/don-vi/{building.pk}/tai-khoan/").status_code == 404
    assert client.get(f"/motcua/quan-tri/don-vi/{province.pk}/").status_code == 404
    assert (
        client.post(
            f"/motcua/quan-tri/tai-khoan/{other.pk}/dinh-chi/", {"action": "suspend", "reason": "x"}
        ).status_code
        == 404
    )
    assert client.get(f"/motcua/quan-tri/tai-khoan/{other.pk}/vai-tro/").status_code == 404
    assert client.get(f"/motcua/quan-tri/tai-khoan/{other.pk}/anh/avatar/").status_code == 404
    other.refresh_from_db()
    assert not other.suspended
    # a new unit under a parent outside the scope is refused by the form
    response = client.post(
        "/motcua/quan-tri/don-vi/", {"code": "X1", "name": "Phòng X", "kind": "phong_ban", "parent": building.pk}
    )
    assert response.status_code == 200 and "Đơn vị không hợp lệ" in response.content.decode()
    # inside the scope it works
    response = client.post(
        f"/motcua/quan-tri/tai-khoan/{own.pk}/dinh-chi/", {"action": "suspend", "reason": "Nghỉ phép"}
    )
    own.refresh_from_db()
    assert own.suspended and own.suspended_reason == "Nghỉ phép"


def test_it_keeps_officer_pages_out_of_caches(client, outbox):
    sign_in(client, OfficerAccountFactory(), outbox)
    response = client.get("/motcua/trang-ca-nhan/")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
