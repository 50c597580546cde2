"""The statistics, feedback and news pages speak English when the browser asks for it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.province.test_i18n_en import VIETNAMESE, get, visible_text

pytestmark = pytest.mark.django_db

PAGES = [
    (
        "/thong-ke/",
        ["Dossier processing statistics", "How the figures are counted", "Service indicators", "no data yet"],
    ),
    ("/phan-anh-kien-nghi/", ["FEEDBACK", "Send feedback", "No published feedback yet."]),
    (
        "/phan-anh-kien-nghi/gui/",
        ["Full name", "Mobile phone (receives the verification code)", "Continue: get a code"],
    ),
    ("/tin-tuc/", ["NEWS", "News and announcements", "Search news (with or without diacritics)"]),
]


@pytest.mark.parametrize(("url", "english"), PAGES, ids=[p[0] for p in PAGES])
def test_it_shows_the_page_in_english(client: Client, url: str, english: list[str]) -> None:
    text = visible_text(get(client, url, "en"))
    for s in english:
        assert s in text, f"{s!r} missing from {url}"
    # the decision number keeps its Vietnamese letters (766/QĐ-TTg)
    rest = text.replace(settings.PROVINCE_NAME, "").replace("Tiếng Việt", "").replace("QĐ-TTg", "")
    leftovers = [line for line in rest.splitlines() if VIETNAMESE.search(line)]
    assert not leftovers, f"untranslated text on {url}: {leftovers}"
