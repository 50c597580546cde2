from __future__ import annotations

from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage

from province.datastore.models import StoredDocument
from province.dossiers.models import DossierDocument, DraftFile


@pytest.fixture(autouse=True)
def private_files(tmp_path: Any) -> Any:
    """Stored files go to a throw-away folder, not var/."""
    fields = [model._meta.get_field("file") for model in (StoredDocument, DossierDocument, DraftFile)]
    originals = [field.storage for field in fields]  # type: ignore[attr-defined]
    for field in fields:
        field.storage = FileSystemStorage(location=tmp_path / "private")  # type: ignore[attr-defined]
    yield tmp_path / "private"
    for field, original in zip(fields, originals, strict=True):
        field.storage = original  # type: ignore[attr-defined]
