"""Deterministic demo data for the sandbox: residents, VNeID and portal accounts, businesses.

``build_dataset`` is pure: from a seed it plans every person, account and business, always
the same. ``seed_demo`` writes what is missing and leaves existing rows alone, so running
it twice changes nothing. Addresses use the two-tier units in force since 1 July 2025
(commune/ward + province) from the ``vietnam_provinces`` library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from sandbox.sms.phones import InvalidPhoneNumber, normalise_phone

from .identity import PROVINCE_CODES, make_cmnd, make_id_number
from .models import Business, Gender, Resident, Subscriber

DEFAULT_SEED = 20250701
DEFAULT_RESIDENT_COUNT = 200
# Ages are computed from a fixed day, not today, so the data set never drifts.
REFERENCE_DATE = dt.date(2025, 7, 1)

VNEID_PASSWORD = "Vneid@2024"
APP_PASSCODE = "123456"
PORTAL_PASSWORD = "Dvcqg@2024"
BUSINESS_PASSWORD = "Doanhnghiep@2024"

# The person every guide and test uses.
FIXED_ID_NUMBER = "001099012345"
FIXED_NAME = "NGUYỄN VĂN AN"
FIXED_BIRTH_DATE = dt.date(1999, 5, 12)
FIXED_PHONE = "0912345678"

# Family names with rough shares of the population (Nguyễn ≈ 38 %).
FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.4),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 3.3),
    ("Huỳnh", 1.8),
    ("Phan", 4.5),
    ("Vũ", 2.1),
    ("Võ", 1.8),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
)
# fmt: off
# (word lists kept packed: one word per line would make them hard to read)
MIDDLE_NAMES = {
    Gender.MALE: (
        "Văn", "Văn", "Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Công", "Xuân", "Ngọc",
        "Tuấn", "Gia", "Trọng", "Quốc", "Đình",
    ),
    Gender.FEMALE: (
        "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Phương", "Hồng", "Mai", "Kim", "Bảo",
        "Khánh", "Diệu", "Thùy", "Hải",
    ),
}
GIVEN_NAMES = {
    Gender.MALE: (
        "An", "Bình", "Cường", "Dũng", "Đức", "Hùng", "Huy", "Khang", "Khoa", "Long", "Minh",
        "Nam", "Phong", "Phúc", "Quân", "Sơn", "Tài", "Thắng", "Trung", "Tuấn", "Việt", "Hiếu",
        "Hải", "Hoàng", "Kiên", "Lâm", "Nghĩa", "Thịnh", "Toàn", "Vinh",
    ),
    Gender.FEMALE: (
        "Anh", "Chi", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Lan", "Linh", "Loan",
        "Mai", "My", "Nga", "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo", "Trang", "Tuyết",
        "Uyên", "Vân", "Yến", "Thư", "Ngọc", "Huyền", "Trâm",
    ),
}
# Mobile prefixes in use (Viettel, VinaPhone, MobiFone, Vietnamobile, Gmobile); numbers are
# still checked with ``phonenumbers`` when generated.
MOBILE_PREFIXES = (
    "086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039", "088",
    "091", "094", "081", "082", "083", "084", "085", "090", "093", "070", "076", "077", "078",
    "079", "092", "056", "058", "099", "059",
)
STREETS = (
    "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Quang Trung", "Hai Bà Trưng", "Lý Thường Kiệt",
    "Phạm Ngũ Lão", "Nguyễn Văn Linh", "Điện Biên Phủ", "Hoàng Hoa Thám", "Bạch Đằng",
)
# fmt: on

# Most demo people live in the demo province (Hưng Yên: the seeds come from there), the
# rest anywhere in the country. Birth codes before the 2025 merger: 033 Hưng Yên, 034 Thái Bình.
HOME_PROVINCE = ProvinceCode.P_33
HOME_BIRTH_CODES = ("033", "033", "034")
HOME_SHARE = 0.4


@dataclasses.dataclass(frozen=True)
class PersonPlan:
    id_number: str
    full_name: str
    birth_date: dt.date
    gender: str
    phone: str
    permanent_address: str
    current_address: str
    place_of_origin: str
    card_issued_on: dt.date
    legacy_cmnd: str | None = None
    vneid_level: int | None = 2  # None: this person has no VNeID account


@dataclasses.dataclass(frozen=True)
class PortalPlan:
    """A legacy national-portal account; ``id_number`` blank means CMND-only (not linked)."""

    username: str
    person: PersonPlan
    linked: bool
    phone: str


@dataclasses.dataclass(frozen=True)
class BusinessPlan:
    tax_code: str
    name: str
    address: str
    representative: PersonPlan


@dataclasses.dataclass(frozen=True)
class Dataset:
    people: tuple[PersonPlan, ...]
    portal_accounts: tuple[PortalPlan, ...]
    businesses: tuple[BusinessPlan, ...]


@dataclasses.dataclass
class SeedResult:
    residents: int = 0
    accounts: int = 0
    subscribers: int = 0
    businesses: int = 0
    logins: list[tuple[str, str, str, str, str, str]] = dataclasses.field(default_factory=list)


def province_full_name(province: Province) -> str:
    if province.division_type == VietNamDivisionType.TINH:
        return f"Tỉnh {province.name}"
    return province.name


class _Planner:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.id_numbers: set[str] = {FIXED_ID_NUMBER}
        self.cmnds: set[str] = set()
        self.phones: set[str] = {FIXED_PHONE}
        self.provinces = sorted(Province.iter_all(), key=lambda p: p.code.value)
        self.wards: dict[ProvinceCode, list[Ward]] = {}
        for province in self.provinces:
            self.wards[province.code] = sorted(Ward.iter_by_province(province.code), key=lambda w: w.code.value)
        self.other_birth_codes = sorted(c for c in PROVINCE_CODES if c not in HOME_BIRTH_CODES)

    def address(self, province: Province | None = None) -> str:
        rng = self.rng
        province = province or rng.choice(self.provinces)
        ward = rng.choice(self.wards[province.code])
        if ward.division_type == VietNamDivisionType.PHUONG:
            street = f"Số {rng.randint(1, 250)} đường {rng.choice(STREETS)}"
        else:
            street = f"Thôn {rng.randint(1, 12)}"
        return f"{street}, {ward.name}, {province_full_name(province)}"

    def origin(self) -> str:
        province = self.rng.choice(self.provinces)
        ward = self.rng.choice(self.wards[province.code])
        return f"{ward.name}, {province_full_name(province)}"

    def phone(self) -> str:
        while True:
            candidate = f"{self.rng.choice(MOBILE_PREFIXES)}{self.rng.randrange(10_000_000):07d}"
            if candidate in self.phones:
                continue
            try:
                normalise_phone(candidate)
            except InvalidPhoneNumber:
                continue
            self.phones.add(candidate)
            return candidate

    def cmnd(self) -> str:
        while True:
            candidate = make_cmnd(self.rng)
            if candidate not in self.cmnds:
                self.cmnds.add(candidate)
                return candidate

    def name(self, gender: str) -> str:
        rng = self.rng
        family = rng.choices([n for n, _w in FAMILY_NAMES], weights=[w for _n, w in FAMILY_NAMES])[0]
        parts = [family, rng.choice(MIDDLE_NAMES[Gender(gender)])]
        if rng.random() < 0.15:  # some people carry two middle names
            parts.append(rng.choice(MIDDLE_NAMES[Gender(gender)][3:]))
        given = rng.choice(GIVEN_NAMES[Gender(gender)])
        while given in parts:
            given = rng.choice(GIVEN_NAMES[Gender(gender)])
        parts.append(given)
        return " ".join(parts).upper()

    def person(self, *, legacy_cmnd: bool = False, vneid_level: int | None = 2) -> PersonPlan:
        rng = self.rng
        gender = Gender.MALE if rng.random() < 0.5 else Gender.FEMALE
        age_days = rng.randint(18 * 365 + 5, 80 * 365)
        birth_date = REFERENCE_DATE - dt.timedelta(days=age_days)
        at_home = rng.random() < HOME_SHARE
        birth_code = rng.choice(HOME_BIRTH_CODES if at_home else self.other_birth_codes)
        while True:
            id_number = make_id_number(birth_code, birth_date, gender, rng)
            if id_number not in self.id_numbers:
                self.id_numbers.add(id_number)
                break
        home = Province.from_code(HOME_PROVINCE) if at_home else None
        permanent = self.address(home)
        current = permanent if rng.random() < 0.8 else self.address(home)
        # Chip CCCD cards were issued from 2021 on, at 14 at the earliest.
        first_issue = max(
            dt.date(2021, 1, 1),
            birth_date.replace(year=birth_date.year + 14)
            if not (birth_date.month == 2 and birth_date.day == 29)
            else dt.date(birth_date.year + 14, 3, 1),
        )
        card_issued_on = first_issue + dt.timedelta(days=rng.randrange(0, 4 * 365))
        return PersonPlan(
            id_number=id_number,
            full_name=self.name(gender),
            birth_date=birth_date,
            gender=gender,
            phone=self.phone(),
            permanent_address=permanent,
            current_address=current,
            place_of_origin=self.origin(),
            card_issued_on=min(card_issued_on, REFERENCE_DATE),
            legacy_cmnd=self.cmnd() if legacy_cmnd else None,
            vneid_level=vneid_level,
        )


def build_dataset(*, seed: int = DEFAULT_SEED, count: int = DEFAULT_RESIDENT_COUNT) -> Dataset:
    """Plan the demo data set; the same ``seed`` and ``count`` always give the same plan."""
    # A seeded PRNG on purpose: the demo data must be the same on every machine.
    rng = random.Random(seed)  # noqa: S311
    planner = _Planner(rng)
    hanoi = Province.from_code(ProvinceCode.P_01)
    fixed = PersonPlan(
        id_number=FIXED_ID_NUMBER,
        full_name=FIXED_NAME,
        birth_date=FIXED_BIRTH_DATE,
        gender=Gender.MALE,
        phone=FIXED_PHONE,
        permanent_address=f"Số 12 phố Tràng Tiền, Phường Hoàn Kiếm, {province_full_name(hanoi)}",
        current_address=f"Số 12 phố Tràng Tiền, Phường Hoàn Kiếm, {province_full_name(hanoi)}",
        place_of_origin="Xã Phụng Công, Tỉnh Hưng Yên",
        card_issued_on=dt.date(2021, 6, 15),
        vneid_level=2,
    )
    people = [fixed]
    # VNeID holders; one in five of those born before 1990 still has a CMND on record.
    while len(people) < count:
        level = 2 if rng.random() < 0.85 else 1
        person = planner.person(vneid_level=level)
        if person.birth_date.year < 1990 and rng.random() < 0.2:
            person = dataclasses.replace(person, legacy_cmnd=planner.cmnd())
        people.append(person)

    portal: list[PortalPlan] = []
    # Legacy accounts registered with a CCCD, by people who never activated VNeID.
    for _i in range(3):
        person = planner.person(vneid_level=None)
        people.append(person)
        portal.append(PortalPlan(username=person.id_number, person=person, linked=True, phone=person.phone))
    # CMND-only accounts: one person also holds a VNeID account (the account-linking case),
    # one does not.
    with_vneid = next(
        p for p in people[1:] if p.vneid_level == 2 and p.legacy_cmnd is None and p.birth_date.year < 1990
    )
    with_vneid_cmnd = dataclasses.replace(with_vneid, legacy_cmnd=planner.cmnd())
    people[people.index(with_vneid)] = with_vneid_cmnd
    portal.append(
        PortalPlan(
            username=with_vneid_cmnd.legacy_cmnd or "",
            person=with_vneid_cmnd,
            linked=False,
            phone=with_vneid_cmnd.phone,
        )
    )
    cmnd_only = planner.person(legacy_cmnd=True, vneid_level=None)
    people.append(cmnd_only)
    portal.append(
        PortalPlan(
            username=cmnd_only.legacy_cmnd or "",
            person=cmnd_only,
            linked=False,
            phone=cmnd_only.phone,
        )
    )

    home = Province.from_code(HOME_PROVINCE)
    second_rep = next(
        p for p in people[1:] if p.vneid_level == 2 and p.birth_date.year < 1990 and p.legacy_cmnd is None
    )
    businesses = (
        BusinessPlan(
            tax_code="0109876543",
            name="CÔNG TY TNHH THƯƠNG MẠI VÀ DỊCH VỤ AN PHÁT",
            address=f"Số 25 phố Hàng Bài, Phường Hoàn Kiếm, {province_full_name(hanoi)}",
            representative=fixed,
        ),
        BusinessPlan(
            tax_code="0900123456",
            name="CÔNG TY CỔ PHẦN XÂY DỰNG VÀ ĐẦU TƯ HƯNG THỊNH",
            address=planner.address(home),
            representative=second_rep,
        ),
    )
    # People with no account at all (planned last, so the plan above never changes): they can
    # try "Đăng ký" → "Thuê bao di động", their SIM being registered to their CCCD.
    people.extend(planner.person(vneid_level=None) for _i in range(2))
    return Dataset(people=tuple(people), portal_accounts=tuple(portal), businesses=businesses)


def _resident(plan: PersonPlan) -> Resident:
    return Resident(
        id_number=plan.id_number,
        legacy_cmnd=plan.legacy_cmnd,
        full_name=plan.full_name,
        birth_date=plan.birth_date,
        gender=plan.gender,
        place_of_origin=plan.place_of_origin,
        permanent_address=plan.permanent_address,
        current_address=plan.current_address,
        card_issued_on=plan.card_issued_on,
    )


@transaction.atomic
def seed_demo(*, seed: int = DEFAULT_SEED, count: int = DEFAULT_RESIDENT_COUNT) -> SeedResult:
    """Write the demo data set; rows that already exist (by natural key) are left alone."""
    from sandbox.idp.models import Account, AccountKind, AccountType

    data = build_dataset(seed=seed, count=count)
    result = SeedResult()

    existing_ids = set(
        Resident.objects.filter(id_number__in=[p.id_number for p in data.people]).values_list("id_number", flat=True)
    )
    taken_cmnds = set(
        Resident.objects.filter(legacy_cmnd__in=[p.legacy_cmnd for p in data.people if p.legacy_cmnd]).values_list(
            "legacy_cmnd", flat=True
        )
    )
    new_residents = []
    for plan in data.people:
        if plan.id_number in existing_ids:
            continue
        resident = _resident(plan)
        if plan.legacy_cmnd in taken_cmnds:
            resident.legacy_cmnd = None
        new_residents.append(resident)
    Resident.objects.bulk_create(new_residents)
    result.residents = len(new_residents)
    residents = Resident.objects.in_bulk([p.id_number for p in data.people], field_name="id_number")

    existing_phones = set(
        Subscriber.objects.filter(phone__in=[p.phone for p in data.people]).values_list("phone", flat=True)
    )
    subscribers = []
    for plan in data.people:
        if plan.phone in existing_phones:
            continue
        # People registered with a CMND only have their SIM under that number.
        owner = plan.id_number
        if plan.vneid_level is None and plan.legacy_cmnd:
            owner = plan.legacy_cmnd
        subscribers.append(Subscriber(phone=plan.phone, owner_id_number=owner, owner_name=plan.full_name))
        existing_phones.add(plan.phone)
    Subscriber.objects.bulk_create(subscribers)
    result.subscribers = len(subscribers)

    existing_tax_codes = set(
        Business.objects.filter(tax_code__in=[b.tax_code for b in data.businesses]).values_list("tax_code", flat=True)
    )
    new_businesses = [
        Business(
            tax_code=b.tax_code,
            name=b.name,
            address=b.address,
            representative=residents[b.representative.id_number],
        )
        for b in data.businesses
        if b.tax_code not in existing_tax_codes
    ]
    Business.objects.bulk_create(new_businesses)
    result.businesses = len(new_businesses)
    businesses = Business.objects.in_bulk([b.tax_code for b in data.businesses], field_name="tax_code")

    usernames = (
        [p.id_number for p in data.people if p.vneid_level is not None]
        + [a.username for a in data.portal_accounts]
        + [b.tax_code for b in data.businesses]
    )
    existing_usernames = set(Account.objects.filter(username__in=usernames).values_list("username", flat=True))
    vneid_residents = set(
        Account.objects.filter(kind=AccountKind.VNEID, resident__id_number__in=usernames).values_list(
            "resident__id_number", flat=True
        )
    )
    accounts: list[Account] = []

    def add(account: Account, password: str) -> None:
        if account.username in existing_usernames:
            return
        account.set_password(password)
        accounts.append(account)
        existing_usernames.add(account.username)

    for plan in data.people:
        if plan.vneid_level is None or plan.id_number in vneid_residents:
            continue
        add(
            Account(
                kind=AccountKind.VNEID,
                username=plan.id_number,
                account_type=AccountType.INDIVIDUAL,
                resident=residents[plan.id_number],
                level=plan.vneid_level,
                full_name=plan.full_name,
                birth_date=plan.birth_date,
                gender=plan.gender,
                id_number=plan.id_number,
                cmnd=plan.legacy_cmnd or "",
                phone=plan.phone,
                app_passcode=make_password(APP_PASSCODE),
            ),
            VNEID_PASSWORD,
        )
    for portal in data.portal_accounts:
        person = portal.person
        add(
            Account(
                kind=AccountKind.PORTAL,
                username=portal.username,
                account_type=AccountType.INDIVIDUAL,
                resident=residents[person.id_number] if portal.linked else None,
                level=2 if portal.linked else 1,
                full_name=person.full_name,
                birth_date=person.birth_date,
                gender=person.gender,
                id_number=person.id_number if portal.linked else "",
                cmnd="" if portal.linked else portal.username,
                phone=portal.phone,
            ),
            PORTAL_PASSWORD,
        )
    for business in data.businesses:
        rep = business.representative
        add(
            Account(
                kind=AccountKind.PORTAL,
                username=business.tax_code,
                account_type=AccountType.BUSINESS,
                resident=residents[rep.id_number],
                business=businesses[business.tax_code],
                level=2,
                full_name=rep.full_name,
                birth_date=rep.birth_date,
                gender=rep.gender,
                id_number=rep.id_number,
                phone=rep.phone,
            ),
            BUSINESS_PASSWORD,
        )
    Account.objects.bulk_create(accounts)
    result.accounts = len(accounts)
    result.logins = demo_logins(data)
    return result


def demo_logins(data: Dataset) -> list[tuple[str, str, str, str, str, str]]:
    """A handful of (kind, username, password, phone, level, note) rows for a newcomer."""
    fixed = data.people[0]
    rows = [("vneid", fixed.id_number, VNEID_PASSWORD, fixed.phone, "2", "NGUYỄN VĂN AN")]
    level_1 = next((p for p in data.people if p.vneid_level == 1), None)
    if level_1 is not None:
        rows.append(("vneid", level_1.id_number, VNEID_PASSWORD, level_1.phone, "1", "mức 1"))
    linked = next(a for a in data.portal_accounts if a.linked)
    rows.append(("portal", linked.username, PORTAL_PASSWORD, linked.phone, "2", "CCCD"))
    for portal in data.portal_accounts:
        if not portal.linked:
            note = "CMND"
            if portal.person.vneid_level is not None:
                note = f"CMND; cùng người với VNeID {portal.person.id_number}"
            rows.append(("portal", portal.username, PORTAL_PASSWORD, portal.phone, "1", note))
    with_account = {a.person.id_number for a in data.portal_accounts}
    for person in data.people:
        if person.vneid_level is None and person.id_number not in with_account:
            note = f"chưa có tài khoản: Đăng ký; {person.full_name}, sinh {person.birth_date:%d/%m/%Y}"
            rows.append(("register", person.id_number, "-", person.phone, "-", note))
    for business in data.businesses:
        rows.append(
            (
                "business",
                business.tax_code,
                BUSINESS_PASSWORD,
                business.representative.phone,
                "2",
                business.name,
            )
        )
    return rows
