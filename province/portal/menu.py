"""The portal's main menu, built from what exists.

Each feature app registers its entry in ``AppConfig.ready`` (BỘ THỦ TỤC, TRA CỨU HỒ SƠ,
NỘP QUA MẠNG… as they get built), so the menu never links to a page that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100


_REGISTRY: dict[str, MenuItem] = {}


def register(item: MenuItem) -> None:
    _REGISTRY[item.key] = item


def menu_items() -> list[tuple[MenuItem, str]]:
    """Registered entries in order, with their URLs."""
    return [
        (item, reverse(item.url_name)) for item in sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))
    ]
