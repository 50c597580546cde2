from __future__ import annotations

from typing import Any

import pytest

from province.notify.sms import LocmemBackend
from tests.province.dossiers.conftest import private_files  # noqa: F401  (dossier uploads to a tmp folder)


@pytest.fixture
def outbox() -> Any:
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()
