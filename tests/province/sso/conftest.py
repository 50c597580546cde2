"""Each test starts with no provider documents held in this process (the shared cache is
cleared by tests/province/conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from province.sso import provider


@pytest.fixture(autouse=True)
def _forget_provider_documents() -> Iterator[None]:
    provider.forget()
    yield
    provider.forget()
