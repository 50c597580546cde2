"""The main menu is built once per process, and threads that build it at the same time
(a gunicorn worker's first requests) never duplicate its entries."""

from __future__ import annotations

import threading

from province.portal import menu


def test_it_lists_each_entry_once_when_threads_build_it_together(monkeypatch) -> None:
    monkeypatch.setattr(menu, "_built", None)
    start = threading.Barrier(8)
    seen: list[list[str]] = []

    def build() -> None:
        start.wait()
        seen.append([item.key for item, _url in menu.menu_items()])

    threads = [threading.Thread(target=build) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    keys = [item.key for item, _url in menu.menu_items()]
    assert len(keys) == len(set(keys)) >= 5
    assert all(found == keys for found in seen)


def test_it_gives_each_entry_its_url() -> None:
    urls = {item.key: url for item, url in menu.menu_items()}
    assert urls["lookup"] == "/tra-cuu-ho-so/"
    assert menu.set_language_url() == "/i18n/setlang/"
