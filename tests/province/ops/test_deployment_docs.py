"""docs/deployment.md explains every environment variable the provincial system reads."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
CALL = re.compile(
    r"\b(?:env(?:str|bool|int|list|url|date)|database_config|cache_config|_networks)\(\s*\"([A-Z][A-Z0-9_]+)\""
    r"|os\.environ(?:\.get\(|\.setdefault\(|\[)\s*\"([A-Z][A-Z0-9_]+)\""
)
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE"}  # documented too, but set by the process manager


def variables_read() -> set[str]:
    names = set()
    for path in (REPO / "province").rglob("*.py"):
        for match in CALL.finditer(path.read_text(encoding="utf-8")):
            names.add(match.group(1) or match.group(2))
    return names - NOT_SETTINGS


def test_it_finds_the_variables():
    names = variables_read()
    assert {"DATABASE_URL", "REDIS_URL", "PROVINCE_SECRET_KEY", "NATIONAL_SSO_CLIENT_SECRET"} <= names
    assert "PROVINCE_LOG_LEVEL" in names  # os.environ reads count too


def test_every_variable_is_explained_in_the_deployment_document():
    text = (REPO / "docs" / "deployment.md").read_text(encoding="utf-8")
    missing = sorted(name for name in variables_read() if f"`{name}`" not in text)
    assert missing == [], f"add these to docs/deployment.md: {missing}"
