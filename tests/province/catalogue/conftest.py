from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage

from province.catalogue.models import ProcedureDocument


@pytest.fixture(autouse=True)
def private_files(tmp_path: Any) -> Any:
    """Templates go to a throw-away folder, not var/."""
    field = ProcedureDocument._meta.get_field("template")
    original = field.storage  # type: ignore[attr-defined]
    field.storage = FileSystemStorage(location=tmp_path / "private")  # type: ignore[attr-defined]
    yield tmp_path / "private"
    field.storage = original  # type: ignore[attr-defined]
