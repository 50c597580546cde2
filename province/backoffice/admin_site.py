"""The Django admin (/quan-tri/) behind the officers' sign-in with a second factor.

Only an officer account with the role "quan_tri" whose session was opened with password +
SMS code or with VNeID at identification level 2 (``access.admin_operator``) gets in. There
is no admin login form and no superuser path: ``login`` sends people to the back office's
sign-in, and the portal's ``request.user`` (a citizen, maybe a superuser) is never used.

Inside admin views ``request.user`` is the officer's person with every model permission (the
role is the permission; the admin's history and the catalogue audit name the person).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from province.accounts.models import Person

from . import access, services
from .models import OfficerAccount

_OPERATOR = "_officer_admin_operator"
_View = TypeVar("_View", bound=Callable[..., HttpResponseBase])


def _refuse_save(*args: Any, **kwargs: Any) -> None:
    raise RuntimeError("the admin operator is an in-memory view of a person, never saved")


def admin_operator_user(account: OfficerAccount) -> Person:
    """The officer's person as the admin's ``request.user``, with every model permission.

    A ``Person`` (not a look-alike) because admin code records it as the actor of its
    changes (foreign keys to Person). The superuser flag is set on an in-memory copy only;
    saving that copy is refused, so the flag can never reach the database.
    """
    operator = copy.copy(account.person)
    operator.is_superuser = True
    operator.save = _refuse_save  # type: ignore[method-assign]
    setattr(operator, _OPERATOR, account)
    return operator


class OfficerAdminSite(admin.AdminSite):
    site_header = _("Quản trị hệ thống")
    site_title = _("Quản trị hệ thống")
    index_title = _("Quản trị hệ thống")

    def has_permission(self, request: HttpRequest) -> bool:
        return getattr(getattr(request, "user", None), _OPERATOR, None) is not None

    def admin_view(self, view: _View, cacheable: bool = False) -> _View:
        inner = super().admin_view(view, cacheable)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            account = access.admin_operator(request)
            if account is not None:
                request.user = admin_operator_user(account)
            response: HttpResponseBase = inner(request, *args, **kwargs)
            return response

        return cast(_View, wrapped)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """No form here: the officer sign-in, or 403 for an officer who may not enter."""
        if access.current_officer(request) is not None:
            # signed in, but not an administrator, or without a second factor (VNeID level 1)
            raise PermissionDenied
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(reverse("backoffice:login") + "?" + urlencode({"next": next_url}))

    # a redirect, not the admin's "logged out" page: the officer session ends, the citizen one stays
    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:  # type: ignore[override]
        return _logout(request)


@require_POST
def _logout(request: HttpRequest) -> HttpResponse:
    account = access.current_officer(request)
    services.end_officer_session(request, reason="user", account=account)
    return HttpResponseRedirect(reverse("backoffice:login"))
