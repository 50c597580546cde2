from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from province.sso.services import SESSION_ACTING_ORG, SESSION_ORGS

from .menu import menu_items, set_language_url


def portal(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page, without database queries."""
    session = getattr(request, "session", None)
    menu = menu_items()
    return {
        "PROVINCE_NAME": settings.PROVINCE_NAME,
        "BACKOFFICE_ENABLED": settings.BACKOFFICE_ENABLED,
        "NATIONAL_REGISTRATION_URL": settings.NATIONAL_REGISTRATION_URL,
        "SESSION_IDLE_SECONDS": settings.SESSION_IDLE_SECONDS,
        "SESSION_WARNING_SECONDS": settings.SESSION_WARNING_SECONDS,
        "menu": menu,
        "SET_LANGUAGE_URL": set_language_url(),
        # the menu entry of this page, if it is one: part of the cached header's key
        "menu_current": next((url for _item, url in menu if url == request.path), ""),
        "acting_org": session.get(SESSION_ACTING_ORG) if session is not None else None,
        "represented_orgs": session.get(SESSION_ORGS, []) if session is not None else [],
    }
