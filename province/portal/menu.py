"""The portal's main menu, built from what exists.

Each feature app registers its entry in ``AppConfig.ready`` (BỘ THỦ TỤC, TRA CỨU HỒ SƠ,
NỘP QUA MẠNG… as they get built), so the menu never links to a page that is not there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.signals import setting_changed
from django.urls import reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100


_REGISTRY: dict[str, MenuItem] = {}


_BUILT: list[tuple[MenuItem, str]] = []


def register(item: MenuItem) -> None:
    _REGISTRY[item.key] = item
    _BUILT.clear()


def _urlconf_changed(*, setting: str, **_kwargs: object) -> None:
    if setting == "ROOT_URLCONF":
        _BUILT.clear()


setting_changed.connect(_urlconf_changed, dispatch_uid="portal-menu-urlconf")


def menu_items() -> list[tuple[MenuItem, str]]:
    """Registered entries in order, with their URLs (reversed once: the URLs have no
    language or other per-request part)."""
    if not _BUILT:
        _BUILT.extend(
            (item, reverse(item.url_name))
            for item in sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))
        )
    return list(_BUILT)
