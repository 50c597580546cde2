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
# Built once (the URLs have no language or other per-request part); replaced whole, never
# extended in place, so that threads building it at the same time cannot duplicate entries.
_built: tuple[tuple[MenuItem, str], ...] | None = None
_set_language: str | None = None


def register(item: MenuItem) -> None:
    global _built
    _REGISTRY[item.key] = item
    _built = None


def set_language_url() -> str:
    """The language switch's URL (every page's footer), reversed once."""
    global _set_language
    if _set_language is None:
        _set_language = reverse("set_language")
    return _set_language


def _urlconf_changed(*, setting: str, **_kwargs: object) -> None:
    global _built, _set_language
    if setting == "ROOT_URLCONF":
        _built = _set_language = None


setting_changed.connect(_urlconf_changed, dispatch_uid="portal-menu-urlconf")


def menu_items() -> list[tuple[MenuItem, str]]:
    """Registered entries in order, with their URLs."""
    global _built
    built = _built
    if built is None:
        ordered = sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))
        built = tuple((item, reverse(item.url_name)) for item in ordered)
        _built = built
    return list(built)
