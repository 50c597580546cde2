"""Idle and absolute session timeouts."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from province.sso.services import SESSION_AUTH_AT, SESSION_LAST_SEEN, close_session

# Write the session at most this often just to move the idle clock: a session write per
# request would cost a database write per page view for a few seconds of precision.
TOUCH_EVERY_SECONDS = 15


class SessionTimeoutMiddleware:
    """Log out a signed-in user idle for SESSION_IDLE_SECONDS or signed in for longer than
    SESSION_ABSOLUTE_SECONDS; the request then continues as anonymous with a message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            session = request.session
            auth_at = session.setdefault(SESSION_AUTH_AT, now)
            last_seen = session.get(SESSION_LAST_SEEN, auth_at)
            idle = now - last_seen > settings.SESSION_IDLE_SECONDS
            too_old = now - auth_at > settings.SESSION_ABSOLUTE_SECONDS
            if idle or too_old:
                close_session(request, reason="idle_timeout" if idle else "absolute_timeout")
                messages.warning(request, _("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."))
            elif now - last_seen >= TOUCH_EVERY_SECONDS:
                session[SESSION_LAST_SEEN] = now
        return self.get_response(request)
