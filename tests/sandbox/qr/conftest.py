from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from sandbox.idp.models import Account

from .personas import AN_NUMBER, BA_NUMBER, make_vneid_account


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def an(db) -> Account:
    """NGUYỄN VĂN AN: a level-2 VNeID account with the app set up."""
    return make_vneid_account(number=AN_NUMBER, full_name="NGUYỄN VĂN AN")


@pytest.fixture
def ba(db) -> Account:
    """LÊ THỊ BA: a level-1 VNeID account (not yet verified in person)."""
    return make_vneid_account(number=BA_NUMBER, full_name="LÊ THỊ BA", level=1)


@pytest.fixture
def browser() -> HttpClient:
    return HttpClient()


@pytest.fixture
def phone() -> HttpClient:
    """The phone running the VNeID app (its own cookie jar)."""
    return HttpClient()
