"""factory_boy factories for the sandbox models, shared by every sandbox test.

Defaults make a valid, consistent person (the số định danh agrees with birth date and
gender); traits name the states tests need: ``ResidentFactory(female=True)``,
``ResidentFactory(with_cmnd=True)``, ``AccountFactory(portal_cmnd=True)``,
``AccountFactory(business_account=True)``.
"""

from __future__ import annotations

import datetime as dt

import factory
from factory.django import DjangoModelFactory, Password

from sandbox.idp.models import Account, AccountKind, AccountType
from sandbox.population.identity import century_gender_digit
from sandbox.population.models import Business, Gender, RegistryQuery, Resident, Subscriber
from sandbox.sms.models import Message

MALE_NAMES = ("NGUYỄN VĂN BÌNH", "TRẦN ĐỨC HÙNG", "LÊ QUANG MINH", "PHẠM HỮU NGHĨA")
FEMALE_NAMES = ("NGUYỄN THỊ HOA", "TRẦN THU HƯƠNG", "LÊ THỊ LAN", "PHẠM NGỌC MAI")


def _id_number(resident: object, n: int) -> str:
    birth_date: dt.date = resident.birth_date  # type: ignore[attr-defined]
    gender: str = resident.gender  # type: ignore[attr-defined]
    digit = century_gender_digit(birth_date, gender)
    return f"{resident.birth_province}{digit}{birth_date.year % 100:02d}{n % 1_000_000:06d}"  # type: ignore[attr-defined]


class ResidentFactory(DjangoModelFactory[Resident]):
    class Meta:
        model = Resident

    class Params:
        birth_province = "033"
        female = factory.Trait(gender=Gender.FEMALE)
        with_cmnd = factory.Trait(legacy_cmnd=factory.Sequence(lambda n: f"{100_000_000 + n:09d}"))

    gender = Gender.MALE
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=(n * 397) % 15000))
    id_number = factory.LazyAttributeSequence(_id_number)
    full_name = factory.LazyAttributeSequence(
        lambda o, n: (FEMALE_NAMES if o.gender == Gender.FEMALE else MALE_NAMES)[n % 4]
    )
    permanent_address = "Thôn 3, Xã Hưng Hà, Tỉnh Hưng Yên"
    current_address = factory.SelfAttribute("permanent_address")
    place_of_origin = "Xã Phụng Công, Tỉnh Hưng Yên"
    card_issued_on = dt.date(2021, 6, 1)


class SubscriberFactory(DjangoModelFactory[Subscriber]):
    class Meta:
        model = Subscriber

    class Params:
        owner = factory.SubFactory(ResidentFactory)

    phone = factory.Sequence(lambda n: f"0901{n % 1_000_000:06d}")
    owner_id_number = factory.SelfAttribute("owner.id_number")
    owner_name = factory.SelfAttribute("owner.full_name")


class BusinessFactory(DjangoModelFactory[Business]):
    class Meta:
        model = Business

    tax_code = factory.Sequence(lambda n: f"0900{n % 1_000_000:06d}")
    name = factory.Sequence(lambda n: f"CÔNG TY TNHH THƯƠNG MẠI HƯNG YÊN SỐ {n + 1}")
    address = "Số 10 đường Bạch Đằng, Phường Phố Hiến, Tỉnh Hưng Yên"
    representative = factory.SubFactory(ResidentFactory)


class AccountFactory(DjangoModelFactory[Account]):
    """A level-2 VNeID account of a new resident, password ``Vneid@2024``."""

    class Meta:
        model = Account

    class Params:
        portal_cmnd = factory.Trait(
            kind=AccountKind.PORTAL,
            resident=None,
            username=factory.Sequence(lambda n: f"{200_000_000 + n:09d}"),
            cmnd=factory.SelfAttribute("username"),
            id_number="",
            full_name="TRẦN THỊ BÌNH",
            birth_date=dt.date(1980, 3, 2),
            gender=Gender.FEMALE,
            level=1,
            password=Password("Dvcqg@2024"),
        )
        business_account = factory.Trait(
            kind=AccountKind.PORTAL,
            account_type=AccountType.BUSINESS,
            business=factory.SubFactory(BusinessFactory),
            resident=factory.SelfAttribute("business.representative"),
            username=factory.SelfAttribute("business.tax_code"),
            password=Password("Doanhnghiep@2024"),
        )

    kind = AccountKind.VNEID
    resident = factory.SubFactory(ResidentFactory)
    username = factory.LazyAttribute(lambda o: o.resident.id_number)
    level = 2
    full_name = factory.LazyAttribute(lambda o: o.resident.full_name if o.resident else "")
    birth_date = factory.LazyAttribute(lambda o: o.resident.birth_date if o.resident else None)
    gender = factory.LazyAttribute(lambda o: o.resident.gender if o.resident else "")
    id_number = factory.LazyAttribute(lambda o: o.resident.id_number if o.resident else "")
    phone = factory.Sequence(lambda n: f"0981{n % 1_000_000:06d}")
    password = Password("Vneid@2024")
    app_passcode = Password("123456")


class MessageFactory(DjangoModelFactory[Message]):
    class Meta:
        model = Message

    to = "0912345678"
    sender = "VNeID"
    body = factory.Sequence(lambda n: f"Ma xac thuc VNeID cua ban la {100000 + n}")


class RegistryQueryFactory(DjangoModelFactory[RegistryQuery]):
    class Meta:
        model = RegistryQuery

    client = "province"
    kind = "lookup"
    id_number = "001099012345"
    outcome = "found"
