import dataclasses
from io import StringIO

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import call_command

from sandbox.idp.models import Account, AccountKind, AccountType
from sandbox.population import demo
from sandbox.population.identity import check_consistency, is_valid_id_number
from sandbox.population.models import Business, Resident, Subscriber
from sandbox.sms.phones import normalise_phone

FAMILY_NAMES = {name.upper() for name, _weight in demo.FAMILY_NAMES}


def counts():
    return (
        Resident.objects.count(),
        Account.objects.count(),
        Subscriber.objects.count(),
        Business.objects.count(),
    )


@pytest.fixture(scope="module")
def dataset():
    return demo.build_dataset()


@pytest.fixture
def seeded(db):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_plans_the_same_data_every_time(dataset):
    assert demo.build_dataset() == dataset


def test_it_plans_other_data_for_another_seed(dataset):
    assert demo.build_dataset(seed=1).people[1:] != dataset.people[1:]


def test_it_plans_valid_consistent_people(dataset):
    assert len(dataset.people) >= 200
    for person in dataset.people:
        assert is_valid_id_number(person.id_number), person
        assert check_consistency(person.id_number, person.birth_date, person.gender) == [], person
        assert person.full_name == person.full_name.upper()
        assert person.full_name.split()[0] in FAMILY_NAMES
        assert 3 <= len(person.full_name.split()) <= 4
        assert normalise_phone(person.phone) == person.phone
        assert "Quận" not in person.permanent_address and "Huyện" not in person.permanent_address
    assert len({p.id_number for p in dataset.people}) == len(dataset.people)
    assert len({p.phone for p in dataset.people}) == len(dataset.people)


def test_it_uses_two_tier_addresses(dataset):
    for person in dataset.people[1:]:
        parts = person.permanent_address.split(", ")
        assert parts[-2].startswith(("Phường ", "Xã ", "Đặc khu ")), person.permanent_address
        assert parts[-1].startswith(("Tỉnh ", "Thành phố ")), person.permanent_address


def test_it_gives_most_vneid_holders_level_2(dataset):
    levels = [p.vneid_level for p in dataset.people if p.vneid_level is not None]
    assert 0.75 < levels.count(2) / len(levels) < 0.95
    assert 1 in levels


def test_it_creates_the_demo_person(seeded):
    resident = Resident.objects.get(id_number="001099012345")
    assert resident.full_name == "NGUYỄN VĂN AN"
    assert resident.birth_date.isoformat() == "1999-05-12"
    assert resident.gender == "Nam"
    account = Account.objects.get(username="001099012345")
    assert account.kind == AccountKind.VNEID
    assert account.resident == resident
    assert account.level == 2
    assert account.phone == "0912345678"
    assert account.check_password("Vneid@2024")
    assert not account.check_password("vneid@2024")
    assert check_password("123456", account.app_passcode)
    subscriber = Subscriber.objects.get(phone="0912345678")
    assert (subscriber.owner_id_number, subscriber.owner_name) == ("001099012345", "NGUYỄN VĂN AN")


def test_it_is_idempotent(seeded):
    before = counts()
    password_hash = Account.objects.get(username="001099012345").password
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert counts() == before
    assert Account.objects.get(username="001099012345").password == password_hash
    assert "0 residents, 0 accounts" in out.getvalue()


def test_it_creates_an_account_and_subscriber_per_vneid_resident(seeded):
    vneid = Account.objects.filter(kind=AccountKind.VNEID)
    assert vneid.count() >= 200
    assert vneid.filter(resident__isnull=True).count() == 0
    assert Resident.objects.filter(accounts__kind=AccountKind.VNEID).count() == demo.DEFAULT_RESIDENT_COUNT
    for account in vneid.select_related("resident")[:20]:
        assert account.username == account.resident.id_number
        assert Subscriber.objects.get(phone=account.phone).owner_id_number == account.resident.id_number
    phones = list(vneid.values_list("phone", flat=True))
    assert len(set(phones)) == len(phones)


def test_it_creates_cmnd_only_portal_accounts(seeded):
    cmnd_accounts = [a for a in Account.objects.filter(kind=AccountKind.PORTAL) if len(a.username) == 9]
    assert len(cmnd_accounts) >= 2
    for account in cmnd_accounts:
        assert account.resident is None
        assert account.id_number == ""
        assert account.cmnd == account.username
        assert account.full_name and account.birth_date and account.gender
        assert account.check_password("Dvcqg@2024")
        assert Resident.objects.get(legacy_cmnd=account.username).full_name == account.full_name
    same_person = [
        a
        for a in cmnd_accounts
        if Account.objects.filter(kind=AccountKind.VNEID, resident__legacy_cmnd=a.username).exists()
    ]
    assert len(same_person) == 1


def test_it_creates_cccd_portal_accounts(seeded):
    cccd_accounts = Account.objects.filter(
        kind=AccountKind.PORTAL, account_type=AccountType.INDIVIDUAL, username__regex=r"^\d{12}$"
    )
    assert cccd_accounts.exists()
    for account in cccd_accounts:
        assert account.resident.id_number == account.username == account.id_number


def test_it_creates_two_businesses_one_represented_by_the_demo_person(seeded):
    assert Business.objects.count() == 2
    business = Business.objects.get(representative__id_number="001099012345")
    assert business.name.startswith("CÔNG TY ")
    assert len(business.tax_code) == 10 and business.tax_code.isdigit()
    account = Account.objects.get(username=business.tax_code)
    assert account.kind == AccountKind.PORTAL
    assert account.account_type == AccountType.BUSINESS
    assert account.business == business
    assert account.phone == "0912345678"
    assert account.check_password("Doanhnghiep@2024")


def test_it_prints_a_short_table_of_demo_logins(seeded):
    lines = seeded.splitlines()
    assert any("001099012345" in line and "Vneid@2024" in line and "0912345678" in line for line in lines)
    assert any("Doanhnghiep@2024" in line for line in lines)
    assert any("Dvcqg@2024" in line for line in lines)
    assert len(lines) < 20


def test_it_leaves_existing_rows_alone(db):
    demo.seed_demo(count=10)
    Resident.objects.filter(id_number="001099012345").update(current_address="Nơi khác")
    demo.seed_demo(count=10)
    assert Resident.objects.get(id_number="001099012345").current_address == "Nơi khác"


def test_it_can_seed_a_small_set(db):
    result = demo.seed_demo(count=10)
    assert (
        result.residents == Resident.objects.count() == 10 + 4 + 2
    )  # + 3 CCCD accounts and 1 CMND-only account, + 2 people with no account
    assert dataclasses.asdict(demo.seed_demo(count=10))["accounts"] == 0


def test_it_lets_the_registry_match_the_cmnd_only_people(seeded, client):
    for account in Account.objects.filter(kind=AccountKind.PORTAL, username__regex=r"^\d{9}$"):
        response = client.post(
            "/population/api/v1/match",
            {
                "SoCMND": account.cmnd,
                "HoVaTen": account.full_name.title(),
                "NgayThangNamSinh": account.birth_date.strftime("%Y%m%d"),
            },
            content_type="application/json",
            HTTP_AUTHORIZATION="Bearer demo-population-token",
        )
        assert response.json()["match"] is True
        assert len(response.json()["record"]["SoDinhDanh"]) == 12
