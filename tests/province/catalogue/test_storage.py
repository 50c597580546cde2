"""Private files are on disk when the save returns: the file and its folders are fsync'ed."""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files.base import ContentFile

from province.catalogue import models


def _record_fsyncs(monkeypatch) -> list[Path]:
    synced: list[Path] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        synced.append(Path(os.readlink(f"/proc/self/fd/{fd}")))
        real(fd)

    monkeypatch.setattr(models.os, "fsync", fsync)
    return synced


def test_it_fsyncs_the_file_and_every_new_folder_up_to_the_root(tmp_path, monkeypatch):
    storage = models.DurableFileSystemStorage(location=tmp_path, base_url=None)
    synced = _record_fsyncs(monkeypatch)

    name = storage.save("dossiers/2026/03/abc", ContentFile(b"%PDF-1.4 content"))

    path = tmp_path / name
    assert path.read_bytes() == b"%PDF-1.4 content"
    assert synced == [path, tmp_path / "dossiers/2026/03", tmp_path / "dossiers/2026", tmp_path / "dossiers", tmp_path]


def test_it_fsyncs_only_the_file_and_its_folder_when_the_folder_exists(tmp_path, monkeypatch):
    storage = models.DurableFileSystemStorage(location=tmp_path, base_url=None)
    storage.save("dossiers/2026/03/first", ContentFile(b"1"))
    synced = _record_fsyncs(monkeypatch)

    name = storage.save("dossiers/2026/03/second", ContentFile(b"2"))

    assert synced == [tmp_path / name, tmp_path / "dossiers/2026/03"]


def test_it_is_the_private_storage_unless_another_is_configured(settings, tmp_path):
    settings.PROVINCE_PRIVATE_MEDIA_DIR = tmp_path

    storage = models.private_storage()

    assert isinstance(storage, models.DurableFileSystemStorage)
    assert Path(storage.location) == tmp_path
