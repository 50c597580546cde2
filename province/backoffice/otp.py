"""Officer sign-in codes and lockouts (NIST SP 800-63B §5.1.3, §5.2.2; DOMAIN.md §6).

The same rules as the national sign-in: 6-digit codes from ``secrets``, stored as an HMAC
bound to the challenge id, single use, valid ``OTP_SECONDS`` (3 minutes); 5 wrong entries
void the challenge; a resend waits ``OTP_RESEND_COOLDOWN_SECONDS``, at most
``OTP_RESEND_CAP`` codes per identity per window, and never resets the failure count.
Failures (wrong password or wrong code) count towards a temporary lock of the identity
("officer:<username>", known or not) of 1, 2, 4 … minutes, at most 1 hour. Everything is in
the database so that several processes behave as one.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from province.notify import sms

from .models import OfficerAccount, OtpChallenge, OtpSend, Throttle

SMS_TEXT = (
    "Ma OTP dang nhap He thong Mot cua dien tu: {code}. Hieu luc {minutes} phut. "
    "Tuyet doi khong cung cap ma nay cho bat ky ai."
)
SENDER = "MOTCUA"


class OtpError(Exception):
    """A code could not be sent or accepted; ``message`` is shown to the user as it is.

    ``void`` means the attempt is over: the user must start again with the password.
    """

    def __init__(self, message: str, *, void: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.void = void


@dataclass(frozen=True)
class Rules:
    lifetime: int
    max_failures: int
    cooldown: int
    cap: int
    window: int
    lock_after: int
    lock_base: int
    lock_max: int


def rules() -> Rules:
    conf: dict[str, Any] = settings.BACKOFFICE
    return Rules(
        lifetime=conf["OTP_SECONDS"],
        max_failures=conf["OTP_MAX_FAILURES"],
        cooldown=conf["OTP_RESEND_COOLDOWN_SECONDS"],
        cap=conf["OTP_RESEND_CAP"],
        window=conf["OTP_RESEND_WINDOW_SECONDS"],
        lock_after=conf["LOCK_AFTER_FAILURES"],
        lock_base=conf["LOCK_BASE_SECONDS"],
        lock_max=conf["LOCK_MAX_SECONDS"],
    )


def identity_key(username: str) -> str:
    return f"officer:{username.strip().lower()}"


# --- identity locks -------------------------------------------------------------------
def locked_for(key: str) -> int:
    """Seconds left on the lock of ``key``; 0 when it is not locked."""
    until = Throttle.objects.filter(key=key).values_list("locked_until", flat=True).first()
    if until is None:
        return 0
    return max(0, math.ceil((until - timezone.now()).total_seconds()))


@transaction.atomic
def register_failure(key: str) -> int:
    """Count one failure; lock when the threshold is reached. Returns lock seconds (0 if none)."""
    r = rules()
    throttle, _created = Throttle.objects.select_for_update().get_or_create(key=key)
    throttle.failures += 1
    lock_seconds = 0
    if throttle.failures >= r.lock_after:
        throttle.lock_count += 1
        lock_seconds = min(r.lock_base * 2 ** (throttle.lock_count - 1), r.lock_max)
        throttle.locked_until = timezone.now() + timedelta(seconds=lock_seconds)
        throttle.failures = 0
    throttle.save()
    return lock_seconds


def register_success(key: str) -> None:
    Throttle.objects.filter(key=key).update(failures=0, lock_count=0, locked_until=None)


def lock_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("Tài khoản tạm thời bị khóa do nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {
        "minutes": minutes
    }


# --- codes ------------------------------------------------------------------------------
def _digest(challenge_id: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"officer-otp:{challenge_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def _check_cap(identity: str, r: Rules) -> None:
    since = timezone.now() - timedelta(seconds=r.window)
    if OtpSend.objects.filter(identity=identity, sent_at__gte=since).count() >= r.cap:
        raise OtpError(
            _("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.")
            % {"minutes": math.ceil(r.window / 60)}
        )


def _send(challenge: OtpChallenge, code: str, r: Rules) -> None:
    OtpSend.objects.create(identity=challenge.identity, sent_at=timezone.now())
    try:
        sms.send_sms(
            to=challenge.phone,
            body=SMS_TEXT.format(code=code, minutes=math.ceil(r.lifetime / 60)),
            sender=SENDER,
        )
    except (sms.SmsError, sms.InvalidPhoneNumber) as exc:
        raise OtpError(_("Không gửi được tin nhắn chứa mã OTP. Vui lòng thử lại sau ít phút.")) from exc


@transaction.atomic
def otp_start(*, account: OfficerAccount, identity: str, phone: str) -> OtpChallenge:
    """Open a challenge for a password-verified attempt and send its first code."""
    r = rules()
    _check_cap(identity, r)
    now = timezone.now()
    code = _new_code()
    challenge_id = secrets.token_urlsafe(32)
    challenge = OtpChallenge.objects.create(
        id=challenge_id,
        account=account,
        identity=identity,
        phone=phone,
        code_hash=_digest(challenge_id, code),
        created_at=now,
        expires_at=now + timedelta(seconds=r.lifetime),
        last_sent_at=now,
    )
    _send(challenge, code, r)
    return challenge


def _live(challenge_id: str) -> OtpChallenge:
    challenge = OtpChallenge.objects.select_for_update().filter(id=challenge_id).first()
    if challenge is None or challenge.used_at is not None or challenge.voided:
        raise OtpError(_("Phiên xác thực không còn hiệu lực. Vui lòng đăng nhập lại."), void=True)
    return challenge


def otp_resend(*, challenge_id: str) -> OtpChallenge:
    """Send a new code for the same challenge; its failures are kept."""
    with transaction.atomic():
        challenge = _live(challenge_id)
        r = rules()
        now = timezone.now()
        wait = r.cooldown - (now - challenge.last_sent_at).total_seconds()
        if wait > 0:
            raise OtpError(_("Vui lòng chờ %(s)d giây trước khi gửi lại mã.") % {"s": math.ceil(wait)})
        _check_cap(challenge.identity, r)
        code = _new_code()
        challenge.code_hash = _digest(challenge.id, code)
        challenge.expires_at = now + timedelta(seconds=r.lifetime)
        challenge.last_sent_at = now
        challenge.save(update_fields=["code_hash", "expires_at", "last_sent_at"])
        _send(challenge, code, r)
        return challenge


def otp_verify(*, challenge_id: str, code: str) -> OtpChallenge:
    """Accept ``code`` once, or raise ``OtpError``. Wrong codes are committed before the
    error is raised, so that failures survive it."""
    error: OtpError | None = None
    with transaction.atomic():
        challenge = _live(challenge_id)
        r = rules()
        locked = locked_for(challenge.identity)
        if locked:
            raise OtpError(lock_message(locked), void=True)
        if timezone.now() >= challenge.expires_at:
            raise OtpError(_("Mã OTP đã hết hạn. Vui lòng bấm “Gửi lại mã” để nhận mã mới."))
        code = code.strip()
        if not (len(code) == 6 and code.isdigit()) or not hmac.compare_digest(
            challenge.code_hash, _digest(challenge.id, code)
        ):
            challenge.failures += 1
            left = r.max_failures - challenge.failures
            if left <= 0:
                challenge.voided = True
                error = OtpError(_("Bạn đã nhập sai mã OTP quá số lần cho phép. Vui lòng đăng nhập lại."), void=True)
            else:
                error = OtpError(_("Mã OTP không đúng. Bạn còn %(left)d lần thử.") % {"left": left})
            challenge.save(update_fields=["failures", "voided"])
        else:
            challenge.used_at = timezone.now()
            challenge.save(update_fields=["used_at"])
    if error is not None:
        lock = register_failure(challenge.identity)
        if lock:
            OtpChallenge.objects.filter(id=challenge.id).update(voided=True)
            raise OtpError(lock_message(lock), void=True)
        raise error
    register_success(challenge.identity)
    return challenge


def seconds_left(challenge: OtpChallenge) -> int:
    return max(0, math.ceil((challenge.expires_at - timezone.now()).total_seconds()))


def resend_wait(challenge: OtpChallenge) -> int:
    return max(0, math.ceil(rules().cooldown - (timezone.now() - challenge.last_sent_at).total_seconds()))
