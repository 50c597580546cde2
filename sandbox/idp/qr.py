"""QR login with the VNeID app ("Cách 2"): the services both the browser and the app call.

The flow: the login page asks for a QR (``qr_create``) bound to a secret kept in that
browser's session; the app scans it (``qr_scan``), the browser then shows a 2-digit match
code, the holder types it in the app and approves (``qr_approve``) or refuses
(``qr_refuse``); the browser that showed the QR, and only that one, completes the login
once (``qr_complete``). Every scan, approval, refusal and completion is audited.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import segno
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import get_application_model

from .models import Account, LoginMethod, QrLogin, QrStatus, Throttle
from .services import complete_login, record_event

PAYLOAD_PREFIX = "vneid-login:"
SESSION_BROWSER_KEY = "qr_browser_key"
DEFAULT_SERVICE_NAME = gettext_lazy("Cổng Dịch vụ công quốc gia")
MAX_MATCH_FAILURES = 3
# Status shown to the browser once a pending or scanned QR has passed its expiry time.
EXPIRED = "expired"

CREATE_LIMIT_PER_SESSION = 30
CREATE_LIMIT_PER_IP = 120
CREATE_LIMIT_WINDOW_SECONDS = 10 * 60


class QrError(Exception):
    """A QR action that cannot be done; ``message`` is safe to show to the user."""

    def __init__(self, code: str, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _sandbox_int(name: str, default: int) -> int:
    value = settings.SANDBOX.get(name, default)
    return value if isinstance(value, int) else default


def _qr_seconds() -> int:
    return _sandbox_int("QR_SECONDS", 60)


def _min_level() -> int:
    # DOMAIN.md does not say that a level-1 VNeID account is refused at the national SSO, so
    # level 1 is accepted by default; a deployment can raise it with SANDBOX["QR_MIN_LEVEL"].
    return _sandbox_int("QR_MIN_LEVEL", 1)


# --- browser side ----------------------------------------------------------------------


def browser_key_for(request: HttpRequest, *, create: bool = False) -> str | None:
    """The random secret that binds QRs to this browser's session."""
    key = request.session.get(SESSION_BROWSER_KEY)
    if key is None and create:
        key = secrets.token_urlsafe(32)
        request.session[SESSION_BROWSER_KEY] = key
    return key if isinstance(key, str) else None


def service_name_for_next(next_url: str | None) -> str:
    """The name of the OIDC client that sent the user here, read from ``?next=``."""
    if next_url:
        client_ids = parse_qs(urlsplit(next_url).query).get("client_id")
        if client_ids:
            name = (
                get_application_model().objects.filter(client_id=client_ids[0]).values_list("name", flat=True).first()
            )
            if name:
                return str(name)
    return str(DEFAULT_SERVICE_NAME)


def qr_create_allowed(*, session_key: str, ip: str | None) -> bool:
    """Count one QR creation for this session and IP; False once either is over its limit.

    Counted in the cache (Redis in production) so every web process sees the same numbers.
    """
    allowed = True
    for key, limit in (
        (f"qr-create:s:{_hash(session_key)}", CREATE_LIMIT_PER_SESSION),
        (f"qr-create:ip:{ip or '-'}", CREATE_LIMIT_PER_IP),
    ):
        cache.add(key, 0, timeout=CREATE_LIMIT_WINDOW_SECONDS)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=CREATE_LIMIT_WINDOW_SECONDS)
            count = 1
        if count > limit:
            allowed = False
    return allowed


def qr_create(*, browser_key: str, service_name: str) -> QrLogin:
    """A new login QR bound to ``browser_key`` (only its SHA-256 is stored)."""
    now = timezone.now()
    return QrLogin.objects.create(
        id=secrets.token_urlsafe(16),
        browser_key_hash=_hash(browser_key),
        match_code=f"{secrets.randbelow(100):02d}",
        status=QrStatus.PENDING,
        created_at=now,
        expires_at=now + timedelta(seconds=_qr_seconds()),
        service_name=service_name[:200],
    )


def qr_payload(qr: QrLogin) -> str:
    return f"{PAYLOAD_PREFIX}{qr.id}"


def qr_svg(qr: QrLogin) -> str:
    """The QR code as inline SVG markup (segno output: no user input besides our own id)."""
    return str(segno.make(qr_payload(qr), error="m").svg_inline(scale=1, border=2, omitsize=True, svgclass="qr-svg"))


def qr_for_browser(*, qr_id: str, browser_key: str | None) -> QrLogin | None:
    """The QR ``qr_id`` if it was shown in the browser holding ``browser_key``."""
    if not browser_key:
        return None
    qr = QrLogin.objects.filter(pk=qr_id).first()
    if qr is None or not secrets.compare_digest(qr.browser_key_hash, _hash(browser_key)):
        return None
    return qr


def qr_effective_status(qr: QrLogin) -> str:
    """The status as the browser should see it: pending/scanned past expiry is "expired"."""
    if qr.status in (QrStatus.PENDING, QrStatus.SCANNED) and qr.expires_at <= timezone.now():
        return EXPIRED
    return str(qr.status)


def qr_expires_in(qr: QrLogin) -> int:
    return max(0, math.ceil((qr.expires_at - timezone.now()).total_seconds()))


def qr_complete(*, request: HttpRequest, qr_id: str, browser_key: str | None) -> str:
    """Sign in the browser whose QR was approved; return the path to go to next.

    Only the browser that displayed the QR can complete it, only once, and only before the
    QR expires. The QR becomes ``used`` in the same transaction as the sign-in.
    """
    error: QrError | None = None
    with transaction.atomic():
        qr = QrLogin.objects.select_for_update().filter(pk=qr_id).first()
        if qr is None:
            error = QrError("not_found", _("Mã QR không tồn tại."), status=404)
        elif not browser_key or not secrets.compare_digest(qr.browser_key_hash, _hash(browser_key)):
            error = QrError(
                "wrong_browser",
                _("Mã QR này không được hiển thị trên trình duyệt này."),
                status=403,
            )
        elif qr.status != QrStatus.APPROVED or qr.account is None:
            error = QrError("not_approved", _("Yêu cầu đăng nhập chưa được xác nhận hoặc đã được dùng."))
        elif qr.expires_at <= timezone.now():
            error = QrError("expired", _("Mã QR đã hết hạn. Vui lòng quét mã mới."))
        else:
            qr.status = QrStatus.USED
            qr.save(update_fields=["status"])
            record_event(action="qr_complete", request=request, account=qr.account, qr=qr.id)
            return complete_login(request=request, account=qr.account, method=LoginMethod.VNEID_QR)
    assert error is not None
    record_event(action="qr_complete_refused", request=request, qr=qr_id, reason=error.code)
    raise error


# --- app side --------------------------------------------------------------------------


def parse_payload(payload: str) -> str | None:
    """The QR id in a scanned payload, or None when it is not one of our login QRs."""
    payload = payload.strip()
    if not payload.startswith(PAYLOAD_PREFIX):
        return None
    qr_id = payload[len(PAYLOAD_PREFIX) :]
    if not qr_id or len(qr_id) > 43:
        return None
    return qr_id


def _expired_error() -> QrError:
    return QrError("expired", _("Mã QR đã hết hạn. Vui lòng quét mã mới trên màn hình đăng nhập."))


def qr_scan(*, payload: str, account: Account, request: HttpRequest | None = None) -> QrLogin:
    """The app scanned ``payload``: the QR becomes ``scanned`` by ``account``.

    Scanning again with the same account is harmless; another account cannot take over a
    QR that someone already scanned.
    """
    qr_id = parse_payload(payload)
    if qr_id is None:
        raise QrError("invalid", _("Mã QR không hợp lệ."))
    with transaction.atomic():
        qr = QrLogin.objects.select_for_update().filter(pk=qr_id).first()
        if qr is None:
            raise QrError("not_found", _("Mã QR không hợp lệ."), status=404)
        if qr.expires_at <= timezone.now():
            raise _expired_error()
        if qr.status == QrStatus.SCANNED and qr.account_id == account.pk:
            return qr
        if qr.status != QrStatus.PENDING:
            raise QrError("used", _("Mã QR đã được sử dụng. Vui lòng quét mã mới."), status=409)
        qr.status = QrStatus.SCANNED
        qr.account = account
        qr.save(update_fields=["status", "account"])
        record_event(action="qr_scan", request=request, account=account, identity=account.username, qr=qr.id)
    return qr


def _refuse(qr: QrLogin, *, account: Account, request: HttpRequest | None, reason: str) -> None:
    qr.status = QrStatus.REFUSED
    qr.save(update_fields=["status"])
    record_event(
        action="qr_refuse", request=request, account=account, identity=account.username, qr=qr.id, reason=reason
    )


def _scanned_by(*, qr_id: str, account: Account) -> QrLogin:
    """Lock the QR that ``account`` scanned; raise unless it is still waiting for them."""
    qr = QrLogin.objects.select_for_update().filter(pk=qr_id).first()
    if qr is None or qr.account_id != account.pk:
        raise QrError("not_found", _("Không tìm thấy yêu cầu đăng nhập."), status=404)
    if qr.status != QrStatus.SCANNED:
        raise QrError("not_pending", _("Yêu cầu đăng nhập này đã được xử lý."), status=409)
    if qr.expires_at <= timezone.now():
        raise _expired_error()
    return qr


def qr_for_app(*, qr_id: str, account: Account) -> QrLogin | None:
    """The QR ``qr_id`` if ``account`` scanned it (for the app's request page)."""
    return QrLogin.objects.filter(pk=qr_id, account=account).first()


def qr_approve(*, qr_id: str, account: Account, match_code: str, request: HttpRequest | None = None) -> QrLogin:
    """The holder approves the login after typing the match code shown in the browser.

    A wrong code counts against this QR; after ``MAX_MATCH_FAILURES`` the QR is refused so
    that guessing the 2-digit code is not possible.
    """
    error: QrError | None = None
    with transaction.atomic():
        qr = _scanned_by(qr_id=qr_id, account=account)
        if account.level < _min_level():
            _refuse(qr, account=account, request=request, reason="level")
            error = QrError(
                "level",
                _("Tài khoản định danh mức 1 không dùng được để đăng nhập dịch vụ công, vui lòng nâng cấp lên mức 2."),
                status=403,
            )
        elif not secrets.compare_digest(match_code.strip(), qr.match_code):
            throttle, _created = Throttle.objects.select_for_update().get_or_create(key=f"qr:{qr.id}")
            throttle.failures += 1
            throttle.save(update_fields=["failures", "updated_at"])
            record_event(
                action="qr_match_failed",
                request=request,
                account=account,
                identity=account.username,
                qr=qr.id,
                failures=throttle.failures,
            )
            if throttle.failures >= MAX_MATCH_FAILURES:
                _refuse(qr, account=account, request=request, reason="match_failures")
                error = QrError(
                    "too_many_failures",
                    _("Nhập sai mã đối chiếu quá nhiều lần. Yêu cầu đăng nhập đã bị hủy, vui lòng quét mã QR mới."),
                    status=409,
                )
            else:
                left = MAX_MATCH_FAILURES - throttle.failures
                error = QrError(
                    "wrong_code",
                    _("Mã đối chiếu không đúng. Bạn còn %(left)d lần thử.") % {"left": left},
                )
        else:
            qr.status = QrStatus.APPROVED
            qr.save(update_fields=["status"])
            record_event(
                action="qr_approve",
                request=request,
                account=account,
                identity=account.username,
                qr=qr.id,
            )
    if error is not None:
        raise error
    return qr


def qr_refuse(*, qr_id: str, account: Account, request: HttpRequest | None = None) -> QrLogin:
    """The holder refuses the login request they scanned."""
    with transaction.atomic():
        qr = _scanned_by(qr_id=qr_id, account=account)
        _refuse(qr, account=account, request=request, reason="holder")
    return qr
