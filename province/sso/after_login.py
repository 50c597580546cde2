"""Where a citizen goes right after signing in (seed 003, step 2).

A national-portal account without a số định danh is first shown the "Cập nhật số CCCD"
screen, which leads on to the page they asked for (or lets them skip to it).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.http import urlencode

from province.accounts.services import SignInResult

from .services import VerifiedLogin


def next_url(*, result: SignInResult, login: VerifiedLogin) -> str:
    if login.claims.needs_id_number and not result.person.id_number:
        return reverse("portal:id_number_update") + "?" + urlencode({"next": login.next_url})
    return login.next_url
