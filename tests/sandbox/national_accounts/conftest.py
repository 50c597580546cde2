"""Personas of the national-portal account flows.

``hoa``: LÊ THỊ HOA, in the registry with a CCCD, whose phone 0903111222 is registered in
her name (she can register). ``binh_resident``: the registry record of TRẦN THỊ BÌNH, who
holds the ``legacy_cmnd`` account (CMND 125678901) and wants to add her CCCD.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client as HttpClient

from sandbox.population.models import Resident, Subscriber
from tests.sandbox.factories import ResidentFactory, SubscriberFactory
from tests.sandbox.idp.conftest import an, last_code, legacy_cmnd, rp  # noqa: F401  (fixtures)

HOA_NUMBER = "033195000123"  # Hưng Yên, female born in the 1900s, year 95
HOA_PHONE = "0903111222"
BINH_CCCD = "001180012345"  # Hà Nội, female born in the 1900s, year 80
CAPTCHA = {"ma_xac_thuc_0": "x", "ma_xac_thuc_1": "PASSED"}
GOOD_PASSWORD = "Hoa#Sen2024"


@pytest.fixture
def hoa(db) -> Resident:
    resident = ResidentFactory(id_number=HOA_NUMBER, full_name="LÊ THỊ HOA", birth_date=date(1995, 8, 20), female=True)
    SubscriberFactory(phone=HOA_PHONE, owner=resident)
    return resident


@pytest.fixture
def binh_resident(db) -> Resident:
    return ResidentFactory(
        id_number=BINH_CCCD,
        full_name="Trần Thị Bình",
        birth_date=date(1980, 3, 2),
        female=True,
        legacy_cmnd="125678901",
    )


def registration_data(**overrides: str) -> dict[str, str]:
    data = {
        "so_giay_to": HOA_NUMBER,
        "ho_ten": "Lê Thị Hoa",
        "ngay_sinh": "20/08/1995",
        "so_dien_thoai": HOA_PHONE,
        "email": "hoa@example.vn",
        **CAPTCHA,
    }
    data.update(overrides)
    return data


def start_registration(client: HttpClient, **overrides: str) -> Any:
    return client.post("/dang-ky/cong-dan/thue-bao-di-dong/", registration_data(**overrides))


def confirm_code(client: HttpClient, url: str, phone: str) -> Any:
    return client.post(url, {"ma_otp": last_code(phone), "action": "confirm"})


def cmnd_subscriber(number: str = "187654321", phone: str = "0904555666", name: str = "PHẠM VĂN ĐỨC") -> Subscriber:
    return Subscriber.objects.create(phone=phone, owner_id_number=number, owner_name=name)
