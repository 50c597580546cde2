"""The benchmark's "hello world" exists only when PROVINCE_BENCH_HELLO is on."""

from __future__ import annotations

import importlib

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


@pytest.fixture
def reload_urls():
    import province.urls

    def reload() -> None:
        importlib.reload(province.urls)
        clear_url_caches()

    yield reload
    reload()


def test_it_is_not_mounted_by_default(client, reload_urls):
    reload_urls()

    assert client.get("/bench/hello/").status_code == 404


def test_it_answers_without_touching_the_database_when_enabled(
    client, settings, reload_urls, django_assert_num_queries
):
    settings.BENCH_HELLO = True
    reload_urls()

    with django_assert_num_queries(0):
        response = client.get("/bench/hello/")

    assert response.status_code == 200
    assert response.content == b"Hello, world!"
