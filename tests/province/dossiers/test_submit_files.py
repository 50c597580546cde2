"""Documents are written before the submit transaction (outside the counter lock) and
removed again when the transaction does not commit."""

from __future__ import annotations

import pytest

from province.dossiers import services
from province.dossiers.models import Dossier, DossierDocument
from tests.province.dossiers.factories import submit

pytestmark = pytest.mark.django_db


def _files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_it_keeps_the_files_of_a_committed_submission(private_files):
    dossier = submit()

    document = DossierDocument.objects.get(dossier=dossier)
    assert _files(private_files) == [private_files / document.file.name]
    assert document.file.name.startswith(f"dossiers/{dossier.submitted_at:%Y/%m}/")
    assert document.file.read().startswith(b"%PDF-")


def test_it_removes_the_files_when_the_transaction_fails(private_files, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("counter unavailable")

    monkeypatch.setattr(services, "allocate_code", broken)

    with pytest.raises(RuntimeError):
        submit()

    assert not Dossier.objects.exists()
    assert _files(private_files) == []
