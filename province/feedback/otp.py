"""Phone verification of anonymous feedback senders.

The rules are those of the officers' sign-in codes (``province/backoffice/otp.py``): 6
digits from ``secrets``, stored as an HMAC bound to the challenge id, single use, valid
``OTP_SECONDS``; ``OTP_MAX_FAILURES`` wrong entries void the challenge; a resend waits
``RESEND_COOLDOWN_SECONDS``, and at most ``PHONE_CAP`` codes go to one phone per
``PHONE_WINDOW_SECONDS`` (a resend never resets the failure count). That module's code is
not shared because its challenge belongs to an officer account (a required foreign key,
lockouts keyed by user name); here the subject is a bare phone number.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from province.notify import sms

from .models import PhoneChallenge, PhoneCodeSend

SMS_TEXT = "Ma xac thuc gui phan anh kien nghi: {code}. Hieu luc {minutes} phut. Khong cung cap ma nay cho ai."
SENDER = "DVCTINH"


class OtpError(Exception):
    def __init__(self, message: str, *, void: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.void = void


def conf() -> dict[str, Any]:
    return dict(settings.FEEDBACK)


def _digest(challenge_id: str, code: str) -> str:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"feedback-otp:{challenge_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


def _check_cap(phone: str) -> None:
    c = conf()
    since = timezone.now() - timedelta(seconds=c["PHONE_WINDOW_SECONDS"])
    if PhoneCodeSend.objects.filter(phone=phone, sent_at__gte=since).count() >= c["PHONE_CAP"]:
        raise OtpError(
            _("Số điện thoại này đã nhận quá nhiều mã. Vui lòng thử lại sau %(minutes)d phút.")
            % {"minutes": math.ceil(c["PHONE_WINDOW_SECONDS"] / 60)}
        )


def _send(phone: str, code: str) -> None:
    PhoneCodeSend.objects.create(phone=phone, sent_at=timezone.now())
    minutes = math.ceil(conf()["OTP_SECONDS"] / 60)
    try:
        sms.send_sms(to=phone, body=SMS_TEXT.format(code=code, minutes=minutes), sender=SENDER)
    except (sms.SmsError, sms.InvalidPhoneNumber) as exc:
        raise OtpError(_("Không gửi được tin nhắn chứa mã xác thực. Vui lòng thử lại sau ít phút.")) from exc


def start(*, phone: str) -> PhoneChallenge:
    """Open a challenge for ``phone`` (already normalised) and send its code."""
    with transaction.atomic():
        _check_cap(phone)
        now = timezone.now()
        code = f"{secrets.randbelow(10**6):06d}"
        challenge_id = secrets.token_urlsafe(32)
        challenge = PhoneChallenge.objects.create(
            id=challenge_id,
            phone=phone,
            code_hash=_digest(challenge_id, code),
            created_at=now,
            expires_at=now + timedelta(seconds=conf()["OTP_SECONDS"]),
            last_sent_at=now,
        )
        _send(phone, code)
    return challenge


def _live(challenge_id: str) -> PhoneChallenge:
    challenge = PhoneChallenge.objects.select_for_update().filter(id=challenge_id).first()
    if challenge is None or challenge.used_at is not None or challenge.voided:
        raise OtpError(_("Phiên xác thực không còn hiệu lực. Vui lòng gửi lại phản ánh."), void=True)
    return challenge


def resend(*, challenge_id: str) -> PhoneChallenge:
    with transaction.atomic():
        challenge = _live(challenge_id)
        now = timezone.now()
        wait = conf()["RESEND_COOLDOWN_SECONDS"] - (now - challenge.last_sent_at).total_seconds()
        if wait > 0:
            raise OtpError(_("Vui lòng chờ %(s)d giây trước khi gửi lại mã.") % {"s": math.ceil(wait)})
        _check_cap(challenge.phone)
        code = f"{secrets.randbelow(10**6):06d}"
        challenge.code_hash = _digest(challenge.id, code)
        challenge.expires_at = now + timedelta(seconds=conf()["OTP_SECONDS"])
        challenge.last_sent_at = now
        challenge.save(update_fields=["code_hash", "expires_at", "last_sent_at"])
        _send(challenge.phone, code)
    return challenge


def verify(*, challenge_id: str, code: str) -> PhoneChallenge:
    """Accept ``code`` once or raise ``OtpError``; a wrong code is committed before the error."""
    error: OtpError | None = None
    with transaction.atomic():
        challenge = _live(challenge_id)
        if timezone.now() >= challenge.expires_at:
            raise OtpError(_("Mã xác thực đã hết hạn. Vui lòng bấm “Gửi lại mã” để nhận mã mới."))
        code = code.strip()
        if not (len(code) == 6 and code.isdigit()) or not hmac.compare_digest(
            challenge.code_hash, _digest(challenge.id, code)
        ):
            challenge.failures += 1
            left = conf()["OTP_MAX_FAILURES"] - challenge.failures
            if left <= 0:
                challenge.voided = True
                error = OtpError(_("Bạn đã nhập sai mã quá số lần cho phép. Vui lòng gửi lại phản ánh."), void=True)
            else:
                error = OtpError(_("Mã xác thực không đúng. Bạn còn %(left)d lần thử.") % {"left": left})
            challenge.save(update_fields=["failures", "voided"])
        else:
            challenge.used_at = timezone.now()
            challenge.save(update_fields=["used_at"])
    if error is not None:
        raise error
    return challenge


def resend_wait(challenge: PhoneChallenge) -> int:
    wait = float(conf()["RESEND_COOLDOWN_SECONDS"]) - (timezone.now() - challenge.last_sent_at).total_seconds()
    return max(0, math.ceil(wait))
