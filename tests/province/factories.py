from __future__ import annotations

import datetime as dt

import factory

from province.accounts.models import (
    AccountKind,
    ExternalIdentity,
    LoginEvent,
    Membership,
    Organisation,
    Person,
)

ISSUER = "http://127.0.0.1:8001/oauth2"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = "Đỗ Thị Thanh Phúc"
    birth_date = dt.date(1980, 1, 1)
    gender = "Nữ"
    id_number = factory.Sequence(lambda n: f"0331800{n:05d}")
    phone = "0912345678"
    identification_level = 2
    verified = True
    password = factory.django.Password(None)

    class Params:
        unverified = factory.Trait(identification_level=1, verified=False)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    business_code = factory.Sequence(lambda n: f"0900{n:06d}")
    name = factory.Sequence(lambda n: f"Công ty TNHH Phố Hiến {n}")
    address = "Số 1 Nguyễn Văn Linh, Hưng Yên"
    kind = AccountKind.BUSINESS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ExternalIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalIdentity

    issuer = ISSUER
    subject = factory.Sequence(lambda n: f"sub-{n}")
    person = factory.SubFactory(PersonFactory)
    tech_id = factory.Sequence(lambda n: f"tech-{n}")


class LoginEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LoginEvent

    person = factory.SubFactory(PersonFactory)
    ip_address = "203.0.113.5"
    user_agent = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
    success = True

    class Params:
        failed = factory.Trait(success=False, reason="invalid_token")
