from __future__ import annotations

import datetime as dt

import factory

from province.backoffice.models import Campaign, OfficerAccount, OfficerProfile, Role, Unit
from tests.province.factories import PersonFactory

PASSWORD = "Motcua@2024"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"000.00.{n:02d}.H33")
    name = factory.Sequence(lambda n: f"Sở số {n}")
    kind = Unit.Kind.AGENCY


class OfficerProfileFactory(factory.django.DjangoModelFactory):
    """A standardised profile unless a trait says otherwise."""

    class Meta:
        model = OfficerProfile

    person = factory.SubFactory(PersonFactory, id_number=None, full_name="NGUYỄN VĂN AN")
    full_name = "NGUYỄN VĂN AN"
    gender = "Nam"
    birth_date = dt.date(1999, 5, 12)
    id_number = factory.Sequence(lambda n: f"0010990{n:05d}")
    phone = "0912345678"

    class Params:
        incomplete = factory.Trait(id_number=None, birth_date=None)


class OfficerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficerAccount

    username = factory.Sequence(lambda n: f"canbo{n}")
    person = factory.LazyAttribute(lambda o: OfficerProfileFactory().person)
    unit = factory.SubFactory(UnitFactory)
    role = Role.RECEIVING
    position = "Chuyên viên"
    password = factory.django.Password(PASSWORD)

    class Params:
        admin = factory.Trait(role=Role.ADMIN)
        suspended_now = factory.Trait(suspended=True, suspended_reason="Nghỉ phép dài hạn")


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = "Chuẩn hóa thông tin cán bộ"
    unit = factory.SubFactory(UnitFactory)
    deadline = dt.date(2026, 12, 10)
