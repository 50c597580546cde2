"""Administration: accounts, suspension, the standardisation campaign and its report."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from province.accounts.models import AuditLog
from province.backoffice.models import OfficerAccount

from .conftest import password_step, sign_in
from .factories import CampaignFactory, OfficerAccountFactory, OfficerProfileFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    province = UnitFactory(name="UBND tỉnh")
    return {
        "province": province,
        "justice": UnitFactory(name="Sở Tư pháp", parent=province),
        "building": UnitFactory(name="Sở Xây dựng", parent=province),
        "outside": UnitFactory(name="Tỉnh khác"),
    }


@pytest.fixture
def admin(client, outbox, tree):
    account = OfficerAccountFactory(admin=True, unit=tree["province"], username="admin.motcua")
    sign_in(client, account, outbox)
    outbox.clear()
    return account


def test_it_creates_an_account_with_an_initial_password(client, admin, tree, outbox):
    response = client.post(
        f"/motcua/quan-tri/don-vi/{tree['justice'].pk}/tai-khoan/",
        {
            "username": "Moi.CanBo",
            "password": "Khoi@Tao2024",
            "full_name": "Hoàng Văn Mới",
            "phone": "0987000009",
            "role": "xu_ly",
        },
    )
    assert response.status_code == 302
    account = OfficerAccount.objects.get(username="moi.canbo")
    assert account.unit == tree["justice"] and account.password.startswith(("argon2", "md5"))
    assert "Khoi@Tao2024" not in account.password
    assert AuditLog.objects.filter(action="officer_account.created").exists()
    assert password_step(type(client)(), "moi.canbo", "Khoi@Tao2024").status_code == 302
    assert outbox[-1].to == "0987000009"


def test_it_attaches_a_second_account_to_the_same_person_by_cccd(client, admin, tree):
    profile = OfficerProfileFactory(id_number="001099012345")
    OfficerAccountFactory(person=profile.person, unit=tree["justice"])
    client.post(
        f"/motcua/quan-tri/don-vi/{tree['building'].pk}/tai-khoan/",
        {
            "username": "an.xaydung",
            "password": "Khoi@Tao2024",
            "full_name": "x",
            "phone": "0912345678",
            "id_number": "001099012345",
            "role": "xu_ly",
        },
    )
    assert OfficerAccount.objects.get(username="an.xaydung").person == profile.person


def test_it_suspends_and_unsuspends_with_a_reason_audited(client, admin, tree, outbox):
    target = OfficerAccountFactory(unit=tree["building"])
    client.post(f"/motcua/quan-tri/tai-khoan/{target.pk}/dinh-chi/", {"action": "suspend", "reason": "Chuyển công tác"})
    target.refresh_from_db()
    assert target.suspended and target.suspended_at is not None
    assert password_step(type(client)(), target.username).status_code == 403
    client.post(f"/motcua/quan-tri/tai-khoan/{target.pk}/dinh-chi/", {"action": "unsuspend"})
    target.refresh_from_db()
    assert not target.suspended
    assert AuditLog.objects.filter(action__in=["officer_account.suspended", "officer_account.unsuspended"]).count() == 2


def test_it_assigns_a_role(client, admin, tree):
    target = OfficerAccountFactory(unit=tree["justice"])
    client.post(f"/motcua/quan-tri/tai-khoan/{target.pk}/vai-tro/", {"role": "lanh_dao", "position": "Phó Giám đốc"})
    target.refresh_from_db()
    assert target.role == "lanh_dao" and target.position == "Phó Giám đốc"


def test_it_creates_and_edits_units_in_the_tree(client, admin, tree):
    client.post(
        "/motcua/quan-tri/don-vi/",
        {"code": "P.HCTP", "name": "Phòng Hành chính tư pháp", "kind": "phong_ban", "parent": tree["justice"].pk},
    )
    page = client.get("/motcua/quan-tri/don-vi/").content.decode()
    assert "Phòng Hành chính tư pháp" in page and "Tỉnh khác" not in page
    response = client.post(
        f"/motcua/quan-tri/don-vi/{tree['building'].pk}/",
        {"code": "SXD", "name": "Sở Xây dựng tỉnh", "kind": "co_quan", "parent": tree["province"].pk},
    )
    assert response.status_code == 302
    tree["building"].refresh_from_db()
    assert tree["building"].name == "Sở Xây dựng tỉnh"


@pytest.fixture
def campaign_data(tree):
    done = OfficerAccountFactory(unit=tree["justice"], username="da.xong")
    missing_phone = OfficerAccountFactory(
        unit=tree["justice"],
        username="thieu.cccd",
        person=OfficerProfileFactory(incomplete=True, phone="0987000004").person,
    )
    no_phone = OfficerAccountFactory(
        unit=tree["building"], username="khong.sdt", person=OfficerProfileFactory(incomplete=True, phone="").person
    )
    OfficerAccountFactory(
        unit=tree["outside"], username="ngoai.pham.vi", person=OfficerProfileFactory(incomplete=True).person
    )
    return {
        "campaign": CampaignFactory(unit=tree["province"]),
        "done": done,
        "missing": missing_phone,
        "no_phone": no_phone,
    }


def test_it_reports_by_unit_who_has_and_has_not_standardised(client, admin, campaign_data):
    page = client.get(f"/motcua/quan-tri/chuan-hoa/{campaign_data['campaign'].pk}/").content.decode()
    # admin (complete) + da.xong + thieu.cccd + khong.sdt
    assert "Tổng số tài khoản: 4 · Đã chuẩn hóa: 2 · Chưa chuẩn hóa: 2" in page
    assert "thieu.cccd" in page and "khong.sdt" in page and "ngoai.pham.vi" not in page
    assert "số CCCD" in page


def test_it_exports_the_report_as_csv_and_xlsx(client, admin, campaign_data):
    pk = campaign_data["campaign"].pk
    response = client.get(f"/motcua/quan-tri/chuan-hoa/{pk}/xuat.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Đơn vị"
    assert ["Sở Tư pháp", "2", "1", "1", "", ""] in rows
    assert any(r[4] == "thieu.cccd" and "ngày sinh" in r[5] and "số CCCD" in r[5] for r in rows)
    response = client.get(f"/motcua/quan-tri/chuan-hoa/{pk}/xuat.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Đơn vị"
    assert any(r[4] == "khong.sdt" for r in values)
    assert client.get(f"/motcua/quan-tri/chuan-hoa/{pk}/xuat.pdf").status_code == 404


def test_it_sends_reminders_only_to_those_missing_fields(client, admin, campaign_data, outbox):
    response = client.post(f"/motcua/quan-tri/chuan-hoa/{campaign_data['campaign'].pk}/nhac-nho/")
    assert response.status_code == 302
    assert [m.to for m in outbox] == ["0987000004"]
    assert "10/12/2026" in outbox[0].body
    audit = AuditLog.objects.get(action="campaign.reminders_sent")
    assert audit.after["sent"] == 1 and audit.after["without_phone"] == 1


def test_it_hides_another_units_campaign(client, tree, outbox):
    admin = OfficerAccountFactory(admin=True, unit=tree["justice"])
    sign_in(client, admin, outbox)
    campaign = CampaignFactory(unit=tree["building"])
    assert client.get(f"/motcua/quan-tri/chuan-hoa/{campaign.pk}/").status_code == 404
    assert client.get(f"/motcua/quan-tri/chuan-hoa/{campaign.pk}/xuat.csv").status_code == 404
    assert client.post(f"/motcua/quan-tri/chuan-hoa/{campaign.pk}/nhac-nho/").status_code == 404
