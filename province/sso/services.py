"""The sign-in and sign-out flows with the national SSO (OpenID Connect, code + PKCE).

``start_login`` → provider → ``finish_login`` (verify everything) → ``open_session``
(one transaction: person, identity, login log, audit, Django login, sid table).
``close_session`` and ``backchannel_logout`` end sessions and leave audit rows.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from django.conf import settings
from django.contrib import auth
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from province.accounts import services as accounts
from province.accounts.models import Organisation, Person
from province.ops import ratelimit, softcache

from . import provider, tokens
from .backends import BACKEND_PATH
from .claims import ClaimsError, IdentityClaims, map_claims, names_the_person, snapshot
from .models import SsoSession

logger = logging.getLogger(__name__)

SESSION_ID_TOKEN = "sso_id_token"
SESSION_SID = "sso_sid"
SESSION_AUTH_AT = "auth_at"
SESSION_LAST_SEEN = "last_seen"
SESSION_ACTING_ORG = "acting_org"
SESSION_ORGS = "represented_orgs"

# Claims that are about the token itself, not the person: never mapped or stored.
_PROTOCOL_CLAIMS = frozenset(
    {"iss", "aud", "exp", "iat", "nbf", "nonce", "azp", "at_hash", "c_hash", "auth_time", "jti"}
)


class SsoFailure(Exception):
    """A sign-in that cannot complete. ``reason`` is shown to the user (Vietnamese);
    ``retry_after`` (seconds) when the user is to wait before trying again."""

    def __init__(self, reason: str, *, code: str, status: int = 400, retry_after: int | None = None) -> None:
        super().__init__(f"{code}: {reason}")
        self.reason = reason
        self.code = code
        self.status = status
        self.retry_after = retry_after
        # the sign-in's purpose when its state was found (so that an officer's failed
        # VNeID sign-in is answered by the back office); None: unknown, the citizen portal
        self.purpose: str | None = None

    def tell_when(self, response: HttpResponse) -> HttpResponse:
        """The page of this failure, with ``Retry-After`` when the user is to wait."""
        if self.retry_after:
            response["Retry-After"] = str(self.retry_after)
        return response

    @property
    def counts_against_the_address(self) -> bool:
        """A refusal of what the browser brought (state, code, tokens, claims, a cancel):
        counted by :func:`count_failure`. The provider being down (5xx) is nobody's
        failure, and a refusal for too many failures is not counted again."""
        return self.status < 500 and self.code != TOO_MANY_FAILURES


# Failed sign-ins per client address: after ``SSO_FAILURE_RATE`` in a window, starting or
# finishing a sign-in from that address is refused until the window ends, before anything
# is asked of the provider or written. This caps what one address can make the portal do
# (token requests, JWKS fetches, rows in the sign-in log) with forged or replayed
# callbacks. Counted per address, as the public lookup is: people behind one carrier NAT
# share it, hence a generous default.
FAILURE_WINDOW_SECONDS = 15 * 60
TOO_MANY_FAILURES = "too_many_failures"
_FAILURE_SCOPE = "sso-failure"


def _client_key(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def refuse_if_failing(request: HttpRequest) -> None:
    """Raise :class:`SsoFailure` (429) when the client's address has used up its failed
    sign-ins of this window; costs one cache read."""
    seen = ratelimit.peek(
        _FAILURE_SCOPE, _client_key(request), limit=settings.SSO_FAILURE_RATE, window=FAILURE_WINDOW_SECONDS
    )
    if seen.count < seen.limit:
        return
    minutes = max(1, -(-seen.retry_after // 60))
    raise SsoFailure(
        _("Có quá nhiều lần đăng nhập không thành công từ địa chỉ mạng này. Vui lòng thử lại sau %(minutes)s phút.")
        % {"minutes": minutes},
        code=TOO_MANY_FAILURES,
        status=429,
        retry_after=seen.retry_after,
    )


def count_failure(request: HttpRequest, failure: SsoFailure) -> bool:
    """Count a failed sign-in against the client's address (see ``FAILURE_WINDOW_SECONDS``).
    True when it is to be written to the sign-in log: every counted failure, and of the
    refusals for too many failures only the first of each window (each later one would be
    a row an attacker writes at will)."""
    if failure.counts_against_the_address:
        ratelimit.hit(
            _FAILURE_SCOPE, _client_key(request), limit=settings.SSO_FAILURE_RATE, window=FAILURE_WINDOW_SECONDS
        )
        return True
    if failure.code == TOO_MANY_FAILURES:
        refused = ratelimit.hit("sso-refused", _client_key(request), limit=1, window=FAILURE_WINDOW_SECONDS)
        return not refused.limited
    return True


def _unavailable() -> SsoFailure:
    return SsoFailure(
        _("Hệ thống định danh quốc gia hiện không phản hồi, vui lòng thử lại sau ít phút."),
        code="provider_unavailable",
        status=503,
    )


def _invalid_response() -> SsoFailure:
    return SsoFailure(_("Thông tin xác thực nhận được không hợp lệ."), code="invalid_token", status=400)


def safe_next(value: str | None) -> str:
    """Only the portal's own paths: never ``//host``, ``/\\host``, or absolute URLs."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return "/"
    if "\\" in value or any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return "/"
    if not url_has_allowed_host_and_scheme(value, allowed_hosts=set()):
        return "/"
    return value


# Sign-in purposes other than the citizen portal: purpose → handler(request, login) that
# the callback calls *instead of* ``open_session`` (e.g. "backoffice", registered by
# province.backoffice), so an officer flow never opens a citizen session and vice versa.
PORTAL_PURPOSE = "portal"
PurposeHandler = Callable[[HttpRequest, "VerifiedLogin"], HttpResponse]
FailureHandler = Callable[[HttpRequest, SsoFailure], HttpResponse]
_PURPOSE_HANDLERS: dict[str, PurposeHandler] = {}
_FAILURE_HANDLERS: dict[str, FailureHandler] = {}


def register_purpose(purpose: str, handler: PurposeHandler, *, on_failure: FailureHandler | None = None) -> None:
    """``handler`` takes the purpose's verified sign-ins; ``on_failure`` its failed ones
    (the page to show; the failure is already counted and logged)."""
    _PURPOSE_HANDLERS[purpose] = handler
    if on_failure is not None:
        _FAILURE_HANDLERS[purpose] = on_failure


def failure_handler(purpose: str | None) -> FailureHandler | None:
    """The page for a failed sign-in of ``purpose``; None for the citizen portal's own."""
    return _FAILURE_HANDLERS.get(purpose) if purpose else None


def purpose_handler(purpose: str) -> PurposeHandler | None:
    """The handler of a registered purpose; None for the citizen portal."""
    if purpose == PORTAL_PURPOSE:
        return None
    handler = _PURPOSE_HANDLERS.get(purpose)
    if handler is None:
        raise _invalid_response()
    return handler


def start_login(
    request: HttpRequest, *, next_url: str | None, purpose: str = PORTAL_PURPOSE, reauthenticate: bool = False
) -> str:
    """Remember state, nonce, PKCE verifier, the safe ``next`` and the ``purpose`` of the
    sign-in; return the provider URL. ``reauthenticate`` asks the provider for fresh
    credentials (``prompt=login``) even if its own session is still open."""
    refuse_if_failing(request)
    try:
        client = provider.client()
        redirect_uri = provider.conf()["REDIRECT_URI"]
        rv = client.create_authorization_url(
            redirect_uri,
            # one read of the system's random source each (Authlib draws per character)
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            code_verifier=secrets.token_urlsafe(48),  # 64 characters of RFC 7636's alphabet
            **({"prompt": "login"} if reauthenticate else {}),
        )
    except (provider.ProviderUnavailable, provider.ProviderMisconfigured) as exc:
        logger.warning("sso_login_start_failed %s", exc)
        raise _unavailable() from exc
    url = rv.pop("url")
    client.save_authorize_data(request, redirect_uri=redirect_uri, next=safe_next(next_url), purpose=purpose, **rv)
    return str(url)


@dataclass(frozen=True)
class VerifiedLogin:
    issuer: str
    claims: IdentityClaims
    snapshot: dict[str, Any]
    id_token: str
    next_url: str
    purpose: str = PORTAL_PURPOSE


def _take_state(request: HttpRequest) -> tuple[Any, dict[str, Any] | None]:
    """The client and what ``start_login`` remembered under the callback's state, consumed
    (single use: a replayed callback finds nothing); None when there is no such state."""
    state = request.GET.get("state", "")
    try:
        client = provider.client()
    except (provider.ProviderUnavailable, provider.ProviderMisconfigured) as exc:
        raise _unavailable() from exc
    state_data = client.framework.get_state_data(request.session, state) if state else None
    if state:
        client.framework.clear_state_data(request.session, state)
    return client, state_data


def _fetch_tokens(
    request: HttpRequest, client: Any, state_data: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Exchange the code for the tokens, after the provider's error, the issuer and the
    state are checked. Returns the tokens and the state's data."""
    error = request.GET.get("error")
    if error:
        if error in ("access_denied", "login_required", "consent_required"):
            raise SsoFailure(_("Bạn đã hủy hoặc không cho phép đăng nhập."), code=error[:40], status=400)
        raise SsoFailure(
            _("Hệ thống định danh quốc gia trả về lỗi: %(error)s") % {"error": error[:60]},
            code="provider_error",
        )
    returned_issuer = request.GET.get("iss")
    if returned_issuer is not None and returned_issuer != provider.conf()["ISSUER"]:
        # RFC 9207: the response names another issuer (mix-up attack or misconfiguration)
        logger.warning("sso_callback_issuer_mismatch %s", returned_issuer[:100])
        raise _invalid_response()
    if not state_data:
        raise SsoFailure(
            _("Phiên đăng nhập không hợp lệ hoặc đã được sử dụng, vui lòng đăng nhập lại."),
            code="state_mismatch",
        )
    code = request.GET.get("code")
    if not code:
        raise _invalid_response()
    try:
        token = client.fetch_access_token(
            redirect_uri=state_data["redirect_uri"],
            code=code,
            code_verifier=state_data.get("code_verifier"),
        )
    except requests.RequestException as exc:
        logger.warning("sso_token_unavailable %s", exc)
        raise _unavailable() from exc
    except (AuthlibBaseError, ValueError) as exc:
        logger.warning("sso_token_refused %s", exc)
        raise _invalid_response() from exc
    return dict(token), state_data


def finish_login(request: HttpRequest) -> VerifiedLogin:
    """Handle the provider's redirect: state, code exchange, ID token, claims (read from
    userinfo unless the verified ID token already names the person). A failure carries
    the sign-in's purpose when its state was found."""
    refuse_if_failing(request)
    client, state_data = _take_state(request)
    try:
        return _verify(request, client, state_data)
    except SsoFailure as failure:
        if state_data:
            failure.purpose = str(state_data.get("purpose") or PORTAL_PURPOSE)
        raise


def _verify(request: HttpRequest, client: Any, remembered: dict[str, Any] | None) -> VerifiedLogin:
    token, state_data = _fetch_tokens(request, client, remembered)
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise _invalid_response()
    try:
        id_claims = tokens.verify_id_token(id_token, nonce=str(state_data.get("nonce") or ""))
    except provider.ProviderUnavailable as exc:
        raise _unavailable() from exc
    except tokens.TokenError as exc:
        logger.warning("sso_id_token_refused %s", exc)
        raise _invalid_response() from exc

    merged = {k: v for k, v in id_claims.items() if k not in _PROTOCOL_CLAIMS}
    if client.load_server_metadata().get("userinfo_endpoint") and (
        provider.conf()["ALWAYS_USERINFO"] or not names_the_person(merged)
    ):
        try:
            userinfo = dict(client.userinfo(token=token))
        except requests.RequestException as exc:
            raise _unavailable() from exc
        except (AuthlibBaseError, ValueError) as exc:
            raise _invalid_response() from exc
        if userinfo.get("sub") != id_claims["sub"]:
            logger.warning("sso_userinfo_sub_mismatch")
            raise _invalid_response()
        # the ID token's sid is the session the provider will name in a logout token
        merged.update({k: v for k, v in userinfo.items() if k not in _PROTOCOL_CLAIMS})
        if "sid" in id_claims:
            merged["sid"] = id_claims["sid"]
    try:
        claims = map_claims(merged)
    except ClaimsError as exc:
        raise SsoFailure(str(exc), code="invalid_claims") from exc
    return VerifiedLogin(
        issuer=str(id_claims["iss"]),
        claims=claims,
        snapshot=snapshot(merged),
        id_token=id_token,
        next_url=safe_next(state_data.get("next")),
        purpose=str(state_data.get("purpose") or PORTAL_PURPOSE),
    )


def _org_summary(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.pk, "code": organisation.business_code, "name": organisation.name}


def _may_be_named_by_sso_rows(session_keys: Iterable[str]) -> bool:
    """Whether ``SsoSession`` rows may name a session holding these keys.

    Rows are written only for a session that holds a signed-in citizen (``open_session``)
    or officer (``bind_officer_session``); a session holding nothing but sign-in state
    (Authlib's ``_state_…`` keys), as a visitor's first sign-in has, is named by none, and
    the sign-in need not look for them.
    """
    return any(not key.startswith("_state_") for key in session_keys)


def open_session(request: HttpRequest, *, login: VerifiedLogin) -> accounts.SignInResult:
    """Create/refresh the person, rotate the session and log it, all in one transaction."""
    info = accounts.RequestInfo.from_request(request)
    with transaction.atomic():
        result = accounts.sign_in_from_claims(
            issuer=login.issuer,
            claims=login.claims,
            claims_snapshot=login.snapshot,
            request_info=info,
        )
        previous_key = request.session.session_key
        previous_user = request.session.get(auth.SESSION_KEY)
        previous_rows = _may_be_named_by_sso_rows(request.session.keys())
        auth.login(request, result.person, backend=BACKEND_PATH)  # rotates the session key
        if previous_key is not None and request.session.session_key == previous_key:
            # the same person signing in again (fresh credentials): Django keeps the key in
            # that case, but a new provider session deserves a new one
            request.session.cycle_key()
        if previous_key is not None and previous_rows:
            old_rows = SsoSession.objects.filter(session_key=previous_key, ended_at__isnull=True)
            if previous_user is None or str(previous_user) == str(result.person.pk):
                # the officer session of the same human survives the rotation: it follows
                # the new key; the old citizen session ends (one query for both)
                officer = Q(purpose=SsoSession.Purpose.BACKOFFICE)
                old_rows.update(
                    session_key=Case(
                        When(officer, then=Value(request.session.session_key or "")), default=F("session_key")
                    ),
                    ended_at=Case(
                        When(officer, then=Value(None)), default=Value(timezone.now()), output_field=DateTimeField()
                    ),
                )
            else:
                old_rows.update(ended_at=timezone.now())
        session = request.session
        session[SESSION_ID_TOKEN] = login.id_token
        session[SESSION_SID] = login.claims.sid
        session[SESSION_AUTH_AT] = session[SESSION_LAST_SEEN] = int(time.time())
        represented = result.person.organisations.order_by("name").values_list("pk", "business_code", "name")
        session[SESSION_ORGS] = [{"id": pk, "code": code, "name": name} for pk, code, name in represented]
        session[SESSION_ACTING_ORG] = _org_summary(result.organisation) if result.organisation else None
        # written in this transaction (and not again by the response: province.sso.sessions)
        session.save()
        SsoSession.objects.create(
            issuer=login.issuer,
            sid=login.claims.sid,
            subject=login.claims.subject,
            session_key=session.session_key or "",
            person=result.person,
        )
    logger.info("sso_login person=%s org=%s", result.person.pk, result.organisation)
    return result


def cycle_session_key(request: HttpRequest) -> None:
    """Give the session a new id, taking along the SSO session rows that name it, so that a
    back-channel logout still finds the session after a rotation (sign-in, account switch)."""
    previous_key = request.session.session_key
    request.session.cycle_key()
    new_key = request.session.session_key
    if previous_key and new_key and previous_key != new_key:
        SsoSession.objects.filter(session_key=previous_key, ended_at__isnull=True).update(session_key=new_key)


@dataclass(frozen=True)
class SsoRef:
    """What identifies a provider session: enough to bind another session to it later."""

    issuer: str
    sid: str
    subject: str

    @classmethod
    def of(cls, login: VerifiedLogin) -> SsoRef:
        return cls(issuer=login.issuer, sid=login.claims.sid or "", subject=login.claims.subject)


def bind_officer_session(request: HttpRequest, *, ref: SsoRef, person: Person) -> None:
    """Record that the officer session now in ``request`` came from the provider session
    ``ref``, so that the provider's back-channel logout ends it too."""
    if request.session.session_key is None:
        request.session.save()
    SsoSession.objects.update_or_create(
        session_key=request.session.session_key or "",
        purpose=SsoSession.Purpose.BACKOFFICE,
        defaults={"issuer": ref.issuer, "sid": ref.sid, "subject": ref.subject, "person": person, "ended_at": None},
    )


def end_officer_binding(request: HttpRequest) -> None:
    """The officer session of ``request`` ends (the citizen one, if any, goes on)."""
    if request.session.session_key:
        SsoSession.objects.filter(
            session_key=request.session.session_key,
            purpose=SsoSession.Purpose.BACKOFFICE,
            ended_at__isnull=True,
        ).update(ended_at=timezone.now())


def acting_organisation_id(request: HttpRequest) -> int | None:
    acting = request.session.get(SESSION_ACTING_ORG)
    return int(acting["id"]) if acting else None


def close_session(request: HttpRequest, *, reason: str) -> str | None:
    """End the portal session (audited); return the id_token to hint the provider with."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    user = request.user
    if isinstance(user, Person):
        acting = acting_organisation_id(request)
        with transaction.atomic():
            if request.session.session_key:
                SsoSession.objects.filter(session_key=request.session.session_key, ended_at__isnull=True).update(
                    ended_at=timezone.now()
                )
            accounts.record_logout(
                person=user,
                reason=reason,
                organisation=Organisation.objects.filter(pk=acting).first() if acting else None,
                request_info=accounts.RequestInfo.from_request(request),
            )
    auth.logout(request)
    return str(id_token) if id_token else None


def end_session_url(*, id_token: str | None) -> str | None:
    """RP-initiated logout at the provider (OIDC RP-Initiated Logout 1.0), or None."""
    try:
        metadata = provider.load_metadata()
    except (provider.ProviderUnavailable, provider.ProviderMisconfigured):
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    rv = provider.client().create_logout_url(
        post_logout_redirect_uri=provider.conf()["POST_LOGOUT_REDIRECT_URI"],
        id_token_hint=id_token,
        client_id=provider.conf()["CLIENT_ID"],
    )
    return str(rv["url"])


def backchannel_logout(*, logout_token: str) -> int:
    """Verify a logout token and end every portal session it names. Returns how many.

    Raises ``tokens.TokenError`` on a bad or replayed token.
    """
    claims = tokens.verify_logout_token(logout_token)
    issuer = str(claims["iss"])
    exp = claims.get("exp")
    ttl = int(exp - time.time()) if isinstance(exp, int | float) else 0
    ttl = max(ttl, 0) + 2 * provider.conf()["LEEWAY_SECONDS"] + 600
    # without the shared cache the replay check holds per process: replaying a logout token
    # can only end sessions that its first delivery ended already
    if not softcache.add(f"sso:logout-jti:{issuer}:{claims['jti']}", 1, ttl):
        raise tokens.TokenError("logout token replayed (jti seen)")
    rows = SsoSession.objects.filter(issuer=issuer, ended_at__isnull=True)
    if claims.get("sid"):
        rows = rows.filter(sid=claims["sid"])
    if claims.get("sub"):
        rows = rows.filter(subject=claims["sub"])
    store_cls = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    with transaction.atomic():
        for row in rows.select_related("person"):
            store_cls(session_key=row.session_key).delete()
            row.ended_at = timezone.now()
            row.save(update_fields=["ended_at"])
            if row.purpose == SsoSession.Purpose.PORTAL:
                accounts.record_logout(person=row.person, reason="backchannel")
            else:
                accounts.audit(
                    actor=row.person, action="officer.logout", target=row.person, after={"reason": "backchannel"}
                )
            ended += 1
    logger.info("sso_backchannel_logout ended=%s", ended)
    return ended
