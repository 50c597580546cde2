"""Demo data for the back office (idempotent): a unit tree, an administrator, NGUYỄN VĂN AN
(the sandbox's demo person) with two accounts, a suspended account, officers with
incomplete profiles and a standardisation campaign. ``make run`` calls it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from province.accounts.models import Person
from province.backoffice.models import Campaign, OfficerAccount, OfficerProfile, Role, Unit
from province.catalogue.models import Agency

PASSWORD = "Motcua@2024"

UNITS: list[tuple[str, str, str, str | None]] = [
    # code, name, kind, parent code
    ("000.00.00.H33", "UBND tỉnh Hưng Yên", Unit.Kind.AGENCY, None),
    ("000.00.06.H33", "Sở Tư pháp", Unit.Kind.AGENCY, "000.00.00.H33"),
    ("000.06.01.H33", "Phòng Hành chính tư pháp", Unit.Kind.DEPARTMENT, "000.00.06.H33"),
    ("000.00.12.H33", "Sở Xây dựng", Unit.Kind.AGENCY, "000.00.00.H33"),
    ("000.00.30.H33", "Trung tâm Phục vụ hành chính công", Unit.Kind.CENTRE, "000.00.00.H33"),
    ("000.21.30.H33", "UBND phường Hiến Nam", Unit.Kind.COMMUNE, "000.00.00.H33"),
]

# unit code → the catalogue agency whose dossiers the unit receives (when the catalogue is seeded)
UNIT_AGENCIES: dict[str, str] = {
    "000.00.00.H33": "000.00.00.H33",
    "000.00.06.H33": "000.00.06.H33",
    "000.00.12.H33": "000.00.09.H33",
    "000.00.30.H33": "000.00.01.H33",
    "000.21.30.H33": "000.30.01.H33",
}

# username, unit code, role, position, profile key, suspended reason
ACCOUNTS: list[tuple[str, str, str, str, str, str]] = [
    ("admin.motcua", "000.00.00.H33", Role.ADMIN, "Quản trị hệ thống", "binh", ""),
    ("an.tuphap", "000.00.06.H33", Role.PROCESSING, "Chuyên viên", "an", ""),
    ("an.motcua", "000.00.30.H33", Role.RECEIVING, "Cán bộ tiếp nhận", "an", ""),
    ("cuong.xaydung", "000.00.12.H33", Role.APPROVING, "Phó Giám đốc", "cuong", "Nghỉ công tác từ 01/10/2026"),
    ("hoa.hiennam", "000.21.30.H33", Role.RECEIVING, "Công chức một cửa", "hoa", ""),
    ("minh.xaydung", "000.00.12.H33", Role.PROCESSING, "Chuyên viên", "minh", ""),
    ("thu.tuphap", "000.06.01.H33", Role.PROCESSING, "Chuyên viên", "thu", ""),
    ("lan.tuphap", "000.00.06.H33", Role.RECEIVING, "Công chức một cửa", "lan", ""),
    ("hung.tuphap", "000.00.06.H33", Role.APPROVING, "Phó Giám đốc", "hung", ""),
]

PROFILES: dict[str, dict[str, Any]] = {
    "binh": {
        "full_name": "TRẦN THỊ BÌNH",
        "gender": "Nữ",
        "birth_date": dt.date(1985, 3, 15),
        "id_number": "033185000123",
        "phone": "0987000001",
        "email": "binhtt@hungyen.example.vn",
    },
    "an": {
        "full_name": "NGUYỄN VĂN AN",
        "card_name": "NGUYỄN VĂN AN",
        "gender": "Nam",
        "birth_date": dt.date(1999, 5, 12),
        "id_number": "001099012345",
        "phone": "0912345678",
    },
    "cuong": {
        "full_name": "LÊ VĂN CƯỜNG",
        "gender": "Nam",
        "birth_date": dt.date(1970, 8, 2),
        "id_number": "033070000456",
        "phone": "0987000002",
    },
    # incomplete profiles, for the campaign report
    "hoa": {"full_name": "PHẠM THỊ HOA", "gender": "Nữ", "phone": "0987000003"},
    "minh": {"full_name": "ĐỖ QUANG MINH"},
    "thu": {"full_name": "VŨ THỊ THU", "gender": "Nữ", "birth_date": dt.date(1992, 1, 20), "phone": "0987000004"},
    "lan": {
        "full_name": "HOÀNG THỊ LAN",
        "gender": "Nữ",
        "birth_date": dt.date(1990, 6, 9),
        "id_number": "033190000789",
        "phone": "0987000005",
    },
    "hung": {
        "full_name": "PHAN VĂN HÙNG",
        "gender": "Nam",
        "birth_date": dt.date(1975, 11, 30),
        "id_number": "033075000321",
        "phone": "0987000006",
    },
}


class Command(BaseCommand):
    help = "Seed the back office's demo units, officer accounts and campaign (idempotent)."

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        units: dict[str, Unit] = {}
        for code, name, kind, parent in UNITS:
            agency = Agency.objects.filter(code=UNIT_AGENCIES[code]).first() if code in UNIT_AGENCIES else None
            units[code], _created = Unit.objects.update_or_create(
                code=code,
                defaults={"name": name, "kind": kind, "parent": units[parent] if parent else None, "agency": agency},
            )
        people: dict[str, Person] = {}
        for key, values in PROFILES.items():
            people[key] = self._person(key, values)
        for username, unit_code, role, position, person_key, suspended in ACCOUNTS:
            account = OfficerAccount.objects.filter(username=username).first()
            if account is None:
                account = OfficerAccount(username=username, person=people[person_key])
                account.set_password(PASSWORD)
            account.unit = units[unit_code]
            account.role = role
            account.position = position
            account.suspended = bool(suspended)
            account.suspended_reason = suspended
            if suspended and account.suspended_at is None:
                account.suspended_at = dt.datetime(2026, 10, 1, tzinfo=dt.UTC)
            account.is_unit_representative = username == "an.motcua"
            account.save()
        Campaign.objects.get_or_create(
            name="Chuẩn hóa thông tin cán bộ năm 2026",
            unit=units["000.00.00.H33"],
            defaults={"deadline": dt.date(2026, 12, 10)},
        )
        self.stdout.write(
            "Một cửa điện tử: /motcua/dang-nhap/ (password "
            f"{PASSWORD}; the OTP goes by SMS to the phone below)\n"
            "  admin.motcua   quản trị, UBND tỉnh            phone 0987000001\n"
            "  an.tuphap      NGUYỄN VĂN AN, Sở Tư pháp      phone 0912345678\n"
            "  an.motcua      NGUYỄN VĂN AN, TT Phục vụ HCC  phone 0912345678\n"
            "  cuong.xaydung  tạm đình chỉ (refused)\n"
            "  hoa.hiennam    profile not standardised       phone 0987000003\n"
            "  lan.tuphap     tiếp nhận hồ sơ, Sở Tư pháp    phone 0987000005\n"
            "  hung.tuphap    lãnh đạo phê duyệt, Sở Tư pháp phone 0987000006\n"
            "  VNeID 001099012345 / Vneid@2024 → choose an.tuphap or an.motcua\n"
        )

    def _person(self, key: str, values: dict[str, Any]) -> Person:
        profile = None
        if values.get("id_number"):
            profile = OfficerProfile.objects.select_related("person").filter(id_number=values["id_number"]).first()
        if profile is None:
            profile = OfficerProfile.objects.select_related("person").filter(full_name=values["full_name"]).first()
        if profile is not None:
            return profile.person
        person = None
        if key == "an":
            # the sandbox's demo citizen: the same human as the portal's Person, if it exists
            person = Person.objects.filter(id_number=values["id_number"]).first()
        if person is None:
            person = Person.objects.create_user(
                full_name=values["full_name"],
                birth_date=values.get("birth_date"),
                gender=values.get("gender", ""),
                id_number=values["id_number"] if key == "an" else None,
                phone=values.get("phone", ""),
            )
        OfficerProfile.objects.create(person=person, **values)
        return person
