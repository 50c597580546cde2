"""docs/security.md cites tests as ``tests/…py::test_name``: every one must exist."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CITED = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")


def cited_tests() -> list[tuple[str, str]]:
    return CITED.findall((REPO / "docs" / "security.md").read_text(encoding="utf-8"))


def test_it_cites_tests():
    assert len(cited_tests()) >= 50


def test_every_cited_test_exists():
    missing = []
    for path, name in cited_tests():
        file = REPO / path
        if not file.is_file() or not re.search(rf"^(async )?def {name}\(", file.read_text(encoding="utf-8"), re.M):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_it_spots_a_missing_test(tmp_path):
    fake = "tests/province/api/test_auth.py::test_it_does_not_exist"
    path, name = CITED.findall(fake)[0]
    assert not re.search(rf"^def {name}\(", (REPO / path).read_text(encoding="utf-8"), re.M)
