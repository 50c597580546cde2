"""One-time codes sent by SMS (NIST SP 800-63B §5.1.3; DOMAIN.md §6).

Codes are 6 digits from ``secrets``, stored as an HMAC bound to the challenge id, single
use, with a lifetime per purpose (3 minutes VNeID, 2 minutes national-portal account). A
challenge allows at most 5 wrong entries, then it is void. A resend waits a cooldown, is
capped per identity over a window, and replaces the code but never resets the failures.
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

from sandbox.sms.services import send_sms

from . import throttle
from .models import Account, OtpChallenge, OtpPurpose, OtpSend

SMS_TEXT = {
    OtpPurpose.VNEID_LOGIN: "Ma OTP dang nhap VNeID cua ban la {code}. Ma co hieu luc trong {minutes} phut. "
    "Tuyet doi khong cung cap ma nay cho bat ky ai.",
    OtpPurpose.PORTAL_LOGIN: "Ma xac thuc dang nhap Cong Dich vu cong quoc gia: {code}. "
    "Hieu luc {minutes} phut. Khong chia se ma nay.",
    OtpPurpose.REGISTER: "Ma xac thuc dang ky tai khoan Cong Dich vu cong quoc gia: {code}. Hieu luc {minutes} phut.",
    OtpPurpose.RESET: "Ma xac thuc dat lai mat khau Cong Dich vu cong quoc gia: {code}. Hieu luc {minutes} phut.",
}
SENDER = {
    OtpPurpose.VNEID_LOGIN: "VNeID",
    OtpPurpose.PORTAL_LOGIN: "DVCQG",
    OtpPurpose.REGISTER: "DVCQG",
    OtpPurpose.RESET: "DVCQG",
}


class OtpError(Exception):
    """A code could not be sent or accepted; ``message`` is shown to the user as it is."""

    def __init__(self, message: str, *, void: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.void = void


@dataclass(frozen=True)
class OtpRules:
    lifetime: int
    max_failures: int
    cooldown: int
    cap: int
    window: int


def rules_for(purpose: str) -> OtpRules:
    conf = settings.SANDBOX
    lifetime = conf["VNEID_OTP_SECONDS"] if purpose == OtpPurpose.VNEID_LOGIN else conf["PORTAL_OTP_SECONDS"]
    return OtpRules(
        lifetime=lifetime,
        max_failures=conf["OTP_MAX_FAILURES"],
        cooldown=conf["OTP_RESEND_COOLDOWN_SECONDS"],
        cap=conf["OTP_RESEND_CAP"],
        window=conf["OTP_RESEND_WINDOW_SECONDS"],
    )


def _digest(challenge_id: str, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def mask_phone(phone: str) -> str:
    """``0912345678`` → ``091****678`` (as the VNeID screens show it)."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 6)}{phone[-3:]}"


def _check_cap(identity: str, rules: OtpRules) -> None:
    since = timezone.now() - timedelta(seconds=rules.window)
    if OtpSend.objects.filter(identity=identity, sent_at__gte=since).count() >= rules.cap:
        minutes = math.ceil(rules.window / 60)
        raise OtpError(
            _("Bạn đã yêu cầu gửi mã quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {"minutes": minutes}
        )


def _send(challenge: OtpChallenge, code: str, rules: OtpRules) -> None:
    purpose = OtpPurpose(challenge.purpose)
    body = SMS_TEXT[purpose].format(code=code, minutes=math.ceil(rules.lifetime / 60))
    OtpSend.objects.create(identity=challenge.identity, sent_at=timezone.now())
    # The sandbox's gateway is its own outbox table: writing the message in the same
    # transaction as the challenge means a code exists exactly when its SMS does.
    send_sms(to=challenge.phone, body=body, sender=SENDER[purpose])


@transaction.atomic
def otp_start(
    *,
    purpose: str,
    identity: str,
    phone: str,
    account: Account | None = None,
    payload: dict[str, Any] | None = None,
) -> OtpChallenge:
    """Open a challenge and send its first code to ``phone``."""
    rules = rules_for(purpose)
    _check_cap(identity, rules)
    now = timezone.now()
    code = _new_code()
    challenge_id = secrets.token_urlsafe(32)
    challenge = OtpChallenge.objects.create(
        id=challenge_id,
        purpose=purpose,
        account=account,
        identity=identity,
        phone=phone,
        code_hash=_digest(challenge_id, code),
        created_at=now,
        expires_at=now + timedelta(seconds=rules.lifetime),
        last_sent_at=now,
        payload=payload or {},
    )
    _send(challenge, code, rules)
    return challenge


def otp_resend(*, challenge_id: str) -> OtpChallenge:
    """Send a new code for the same challenge; failures are kept."""
    with transaction.atomic():
        challenge = OtpChallenge.objects.select_for_update().filter(id=challenge_id).first()
        if challenge is None or challenge.used_at is not None or challenge.voided:
            raise OtpError(_("Phiên xác thực không còn hiệu lực. Vui lòng đăng nhập lại."), void=True)
        rules = rules_for(challenge.purpose)
        now = timezone.now()
        wait = rules.cooldown - (now - challenge.last_sent_at).total_seconds()
        if wait > 0:
            raise OtpError(_("Vui lòng chờ %(s)d giây trước khi gửi lại mã.") % {"s": math.ceil(wait)})
        _check_cap(challenge.identity, rules)
        code = _new_code()
        challenge.code_hash = _digest(challenge.id, code)
        challenge.expires_at = now + timedelta(seconds=rules.lifetime)
        challenge.last_sent_at = now
        challenge.save(update_fields=["code_hash", "expires_at", "last_sent_at"])
        _send(challenge, code, rules)
        return challenge


def otp_verify(*, challenge_id: str, code: str) -> OtpChallenge:
    """Accept ``code`` for the challenge (once) or raise ``OtpError`` with the reason.

    A wrong code is counted (on the challenge and on the identity's lock) and committed
    before the error is raised, so that failures survive the error.
    """
    error: OtpError | None = None
    with transaction.atomic():
        challenge = OtpChallenge.objects.select_for_update().filter(id=challenge_id).first()
        if challenge is None or challenge.used_at is not None or challenge.voided:
            raise OtpError(_("Phiên xác thực không còn hiệu lực. Vui lòng đăng nhập lại."), void=True)
        rules = rules_for(challenge.purpose)
        locked = throttle.locked_for(challenge.identity)
        if locked:
            raise OtpError(throttle.lock_message(locked), void=True)
        if timezone.now() >= challenge.expires_at:
            raise OtpError(_("Mã OTP đã hết hạn. Vui lòng bấm “Gửi lại mã” để nhận mã mới."))
        code = code.strip()
        if not (len(code) == 6 and code.isdigit()) or not hmac.compare_digest(
            challenge.code_hash, _digest(challenge.id, code)
        ):
            challenge.failures += 1
            left = rules.max_failures - challenge.failures
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
        lock = throttle.register_failure(challenge.identity)
        if lock:
            OtpChallenge.objects.filter(id=challenge.id).update(voided=True)
            raise OtpError(throttle.lock_message(lock), void=True)
        raise error
    throttle.register_success(challenge.identity)
    return challenge


def seconds_left(challenge: OtpChallenge) -> int:
    return max(0, math.ceil((challenge.expires_at - timezone.now()).total_seconds()))


def resend_wait(challenge: OtpChallenge) -> int:
    rules = rules_for(challenge.purpose)
    return max(0, math.ceil(rules.cooldown - (timezone.now() - challenge.last_sent_at).total_seconds()))
