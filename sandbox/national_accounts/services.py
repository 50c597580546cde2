"""National-portal accounts: registration by mobile subscription, password reset, and
adding the CCCD to a legacy account from the population registry (seeds 002 and 003).

Every flow reuses the SSO's one-time codes (``sandbox.idp.otp``), lockouts
(``sandbox.idp.throttle``) and audit events (``sandbox.idp.services.record_event``).
Between steps nothing is kept in the browser session but the challenge id; what the
person typed at the first step travels in the challenge's ``payload``.

Glossary: thuê bao di động chính chủ (a mobile subscription registered in the person's own
name, checked by texting "TTTB" to 1414); CSDL quốc gia về Dân cư (the population registry).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from sandbox.idp import otp, throttle
from sandbox.idp.models import Account, AccountKind, AccountType, OtpChallenge, OtpPurpose, OtpSend, SsoSession
from sandbox.idp.services import close_sso_session, record_event
from sandbox.population import identity
from sandbox.population.models import Gender, Resident, Subscriber
from sandbox.population.selectors import normalise_name
from sandbox.population.services import registry_match

if TYPE_CHECKING:
    from django.contrib.auth.password_validation import PasswordValidator

# The registry logs who asked; here it is the national portal itself.
REGISTRY_CLIENT = "dvcqg"
# Time allowed between a verified code and choosing the password.
PASSWORD_STEP_SECONDS = 10 * 60
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

SUBSCRIBER_MISMATCH = gettext_noop(
    "Số điện thoại chưa được đăng ký chính chủ với số giấy tờ này. Vui lòng soạn tin TTTB gửi 1414 "
    "để kiểm tra thông tin thuê bao và liên hệ nhà mạng để cập nhật."
)
NUMBER_TAKEN = gettext_noop("Số CMND/CCCD đã được đăng ký tài khoản.")
NUMBER_HAS_VNEID = gettext_noop(
    "Số định danh này đã có tài khoản định danh điện tử VNeID. Bạn không cần đăng ký tài khoản: "
    "hãy đăng nhập bằng tài khoản VNeID."
)
PHONE_TAKEN = gettext_noop(
    "Số điện thoại đã được dùng để đăng ký một tài khoản khác trên Cổng Dịch vụ công quốc gia. "
    "Mỗi số điện thoại chỉ đăng ký được một tài khoản công dân; vui lòng dùng số thuê bao khác "
    "đứng tên bạn hoặc liên hệ tổng đài hỗ trợ."
)
REGISTRY_NO_MATCH = gettext_noop(
    "Thông tin không khớp với CSDL quốc gia về Dân cư (họ tên, ngày sinh). Vui lòng kiểm tra lại."
)
CCCD_TAKEN = gettext_noop("Số CCCD đã được dùng cho một tài khoản khác.")
STEP_EXPIRED = gettext_noop("Phiên làm việc đã hết hạn hoặc không hợp lệ. Vui lòng thực hiện lại từ đầu.")
NOT_ELIGIBLE = gettext_noop("Chức năng này chỉ dành cho tài khoản công dân cấp bởi Cổng Dịch vụ công quốc gia.")

# Mobile prefixes of Vietnamese networks, for the decoy number of a reset of an unknown account.
_DECOY_PREFIXES = ("032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "079",
                   "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "093", "094",
                   "096", "097", "098")  # fmt: skip


class AccountRefused(Exception):
    """A step was refused; ``message`` is shown to the user, ``code`` names the reason."""

    def __init__(self, message: str, *, code: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


# --- Checks shared by the forms ------------------------------------------------------


def number_problems(number: str, birth_date: dt.date) -> list[str]:
    """What is wrong with a CMND/CCCD for this birth date, in Vietnamese; [] if nothing.

    The gender is not asked at registration, so a 12-digit number is checked against the
    birth date only: the gender that the number itself encodes is assumed.
    """
    if identity.is_valid_cmnd(number):
        return []
    return _consistency(number, birth_date, gender="")


def _consistency(number: str, birth_date: dt.date, *, gender: str) -> list[str]:
    if gender in Gender.values:
        return identity.check_consistency(number, birth_date, gender)
    # Unknown gender: the reading of the number that fits best leaves only the other errors.
    return min((identity.check_consistency(number, birth_date, g) for g in Gender.values), key=len)


def password_problems(password: str, *, account: Account) -> list[str]:
    """What the password policy of seed 002 and the common-password checks say, in Vietnamese.

    ≥ 8 characters with lower case, upper case, a digit and a special character; not one
    of Django's list of common passwords; not too close to the account's own data.
    """
    problems: list[str] = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(_("Mật khẩu phải có ít nhất %(n)d ký tự.") % {"n": MIN_PASSWORD_LENGTH})
    if len(password) > MAX_PASSWORD_LENGTH:
        problems.append(_("Mật khẩu không được dài quá %(n)d ký tự.") % {"n": MAX_PASSWORD_LENGTH})
    if not any(c.islower() for c in password):
        problems.append(_("Mật khẩu phải có ít nhất một chữ thường."))
    if not any(c.isupper() for c in password):
        problems.append(_("Mật khẩu phải có ít nhất một chữ in hoa."))
    if not any(c.isdigit() for c in password):
        problems.append(_("Mật khẩu phải có ít nhất một chữ số."))
    if all(c.isalnum() for c in password):
        problems.append(_("Mật khẩu phải có ít nhất một ký tự đặc biệt (ví dụ: @ # $ % ! &)."))
    validators: list[PasswordValidator] = [
        password_validation.CommonPasswordValidator(),
        password_validation.UserAttributeSimilarityValidator(
            user_attributes=("username", "full_name", "email", "phone")
        ),
    ]
    try:
        password_validation.validate_password(password, user=account, password_validators=validators)
    except ValidationError as exc:
        codes = {error.code for error in exc.error_list}
        if "password_too_common" in codes:
            problems.append(_("Mật khẩu này quá phổ biến và dễ bị đoán. Vui lòng chọn mật khẩu khác."))
        if "password_too_similar" in codes:
            problems.append(_("Mật khẩu quá giống thông tin tài khoản (số giấy tờ, họ tên, email, số điện thoại)."))
    return problems


# --- Registration by mobile subscription ----------------------------------------------


@dataclass(frozen=True)
class Registration:
    """What the person typed at the first step (already validated and normalised)."""

    number: str
    full_name: str
    birth_date: dt.date
    phone: str
    email: str

    def to_payload(self) -> dict[str, str]:
        return {
            "number": self.number,
            "full_name": self.full_name,
            "birth_date": self.birth_date.isoformat(),
            "phone": self.phone,
            "email": self.email,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Registration:
        return cls(
            number=payload["number"],
            full_name=payload["full_name"],
            birth_date=dt.date.fromisoformat(payload["birth_date"]),
            phone=payload["phone"],
            email=payload.get("email", ""),
        )

    def draft_account(self) -> Account:
        """An unsaved account with the registration's data (for the password checks)."""
        return Account(
            kind=AccountKind.PORTAL,
            username=self.number,
            full_name=self.full_name,
            birth_date=self.birth_date,
            phone=self.phone,
            email=self.email,
        )


def registration_check(registration: Registration) -> None:
    """Refuse a registration whose phone is not the person's, or whose number or phone is taken."""
    subscriber = Subscriber.objects.filter(phone=registration.phone).first()
    if (
        subscriber is None
        or subscriber.owner_id_number != registration.number
        or normalise_name(subscriber.owner_name) != normalise_name(registration.full_name)
    ):
        raise AccountRefused(_(SUBSCRIBER_MISMATCH), code="subscriber_mismatch", field="so_dien_thoai")
    existing = Account.objects.filter(username=registration.number).first()
    if existing is not None and existing.kind == AccountKind.VNEID:
        raise AccountRefused(_(NUMBER_HAS_VNEID), code="number_has_vneid", field="so_giay_to")
    same_person = Q(username=registration.number) | Q(id_number=registration.number) | Q(cmnd=registration.number)
    if existing is not None or Account.objects.filter(same_person, kind=AccountKind.PORTAL).exists():
        raise AccountRefused(_(NUMBER_TAKEN), code="number_taken", field="so_giay_to")
    if Account.objects.filter(
        kind=AccountKind.PORTAL, account_type=AccountType.INDIVIDUAL, phone=registration.phone
    ).exists():
        raise AccountRefused(_(PHONE_TAKEN), code="phone_taken", field="so_dien_thoai")


def registration_start(*, registration: Registration, request: HttpRequest | None = None) -> OtpChallenge:
    """Check the registration and send a code to its phone; the data ride in the challenge.

    Raises ``AccountRefused`` or ``otp.OtpError`` (too many codes).
    """
    registration_check(registration)
    challenge = otp.otp_start(
        purpose=OtpPurpose.REGISTER,
        identity=f"register:{registration.number}",
        phone=registration.phone,
        payload=registration.to_payload(),
    )
    record_event(action="register_otp_sent", request=request, identity=challenge.identity)
    return challenge


def open_challenge(challenge_id: str | None, *, purpose: str, verified: bool) -> OtpChallenge | None:
    """The challenge of this browser's flow if it is at the expected step, else None.

    ``verified=False``: waiting for its code. ``verified=True``: its code was accepted less
    than ``PASSWORD_STEP_SECONDS`` ago and the password has not been set yet.
    """
    if not challenge_id:
        return None
    challenges = OtpChallenge.objects.select_related("account").filter(id=challenge_id, purpose=purpose, voided=False)
    if verified:
        since = timezone.now() - timedelta(seconds=PASSWORD_STEP_SECONDS)
        return challenges.filter(used_at__gte=since).first()
    return challenges.filter(used_at__isnull=True).first()


def cancel_challenge(*, challenge: OtpChallenge, request: HttpRequest | None = None) -> None:
    """The person pressed "Hủy bỏ": the code can no longer be used."""
    OtpChallenge.objects.filter(id=challenge.id).update(voided=True)
    record_event(action="otp_cancelled", request=request, account=challenge.account, identity=challenge.identity)


def _lock_verified(challenge_id: str, purpose: str) -> OtpChallenge:
    challenge = (
        OtpChallenge.objects.select_for_update()
        .filter(id=challenge_id, purpose=purpose, voided=False, used_at__isnull=False)
        .first()
    )
    if challenge is None or challenge.used_at is None:
        raise AccountRefused(_(STEP_EXPIRED), code="step_expired")
    if timezone.now() - challenge.used_at > timedelta(seconds=PASSWORD_STEP_SECONDS):
        raise AccountRefused(_(STEP_EXPIRED), code="step_expired")
    return challenge


def registration_complete(*, challenge_id: str, password: str, request: HttpRequest | None = None) -> Account:
    """Create the account of a verified registration (once) with its audit event.

    A 12-digit number that the registry knows under the same name and birth date links
    the account to that person; a 9-digit number is kept as the account's CMND.
    """
    with transaction.atomic():
        challenge = _lock_verified(challenge_id, OtpPurpose.REGISTER)
        registration = Registration.from_payload(challenge.payload)
        # Checked again: another browser may have registered the number or phone meanwhile.
        registration_check(registration)
        resident: Resident | None = None
        if len(registration.number) == 12:
            resident = registry_match(
                client=REGISTRY_CLIENT,
                full_name=registration.full_name,
                birth_date=registration.birth_date,
                id_number=registration.number,
            )
        try:
            with transaction.atomic():
                account = Account.objects.create_user(
                    registration.number,
                    password,
                    kind=AccountKind.PORTAL,
                    account_type=AccountType.INDIVIDUAL,
                    full_name=registration.full_name.upper(),
                    birth_date=registration.birth_date,
                    phone=registration.phone,
                    email=registration.email,
                    cmnd=registration.number if len(registration.number) == 9 else "",
                    id_number=resident.id_number if resident else "",
                    resident=resident,
                    gender=resident.gender if resident else "",
                )
        except IntegrityError as exc:
            raise AccountRefused(_(NUMBER_TAKEN), code="number_taken", field="so_giay_to") from exc
        challenge.voided = True
        challenge.save(update_fields=["voided"])
        record_event(
            action="account_registered",
            request=request,
            account=account,
            identity=challenge.identity,
            method="mobile_subscription",
            registry_match=resident is not None,
        )
    return account


# --- Password reset ("Quên mật khẩu?") ------------------------------------------------


def _decoy_phone(username: str) -> str:
    """A stable, made-up mobile number for an unknown username (never sent anything)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"decoy-phone:{username}".encode(), hashlib.sha256).digest()
    prefix = _DECOY_PREFIXES[digest[0] % len(_DECOY_PREFIXES)]
    return prefix + f"{int.from_bytes(digest[1:8], 'big') % 10**7:07d}"


def reset_start(*, username: str, request: HttpRequest | None = None) -> OtpChallenge:
    """Send a reset code to the account's registered phone, or pretend to.

    An unknown username gets a decoy challenge that looks the same (a masked number, the
    same lifetime, cooldown and cap) but sends nothing and accepts no code, so the page
    does not tell whether the account exists. Raises ``otp.OtpError`` when locked or capped.
    """
    key = f"portal:{username}"
    locked = throttle.locked_for(key)
    if locked:
        raise otp.OtpError(throttle.lock_message(locked))
    account = Account.objects.filter(kind=AccountKind.PORTAL, username=username, is_active=True).first()
    if account is not None:
        challenge = otp.otp_start(purpose=OtpPurpose.RESET, identity=key, phone=account.phone, account=account)
    else:
        challenge = _decoy_challenge(identity=key, phone=_decoy_phone(username))
    record_event(action="reset_requested", request=request, account=account, identity=key, known=account is not None)
    return challenge


@transaction.atomic
def _decoy_challenge(*, identity: str, phone: str) -> OtpChallenge:
    rules = otp.rules_for(OtpPurpose.RESET)
    otp._check_cap(identity, rules)  # the same cap as a real send, so its answer leaks nothing
    now = timezone.now()
    challenge = OtpChallenge.objects.create(
        id=secrets.token_urlsafe(32),
        purpose=OtpPurpose.RESET,
        account=None,
        identity=identity,
        phone=phone,
        code_hash=secrets.token_hex(32),  # no code hashes to this: every entry is wrong
        created_at=now,
        expires_at=now + timedelta(seconds=rules.lifetime),
        last_sent_at=now,
    )
    OtpSend.objects.create(identity=identity, sent_at=now)
    return challenge


def reset_resend(*, challenge: OtpChallenge) -> OtpChallenge:
    """``otp.otp_resend`` for a real reset; the same waits and answers for a decoy."""
    if challenge.account_id is not None:
        return otp.otp_resend(challenge_id=challenge.id)
    wait = otp.resend_wait(challenge)
    if wait > 0:
        raise otp.OtpError(_("Vui lòng chờ %(s)d giây trước khi gửi lại mã.") % {"s": wait})
    with transaction.atomic():
        rules = otp.rules_for(OtpPurpose.RESET)
        otp._check_cap(challenge.identity, rules)
        now = timezone.now()
        challenge.expires_at = now + timedelta(seconds=rules.lifetime)
        challenge.last_sent_at = now
        challenge.save(update_fields=["expires_at", "last_sent_at"])
        OtpSend.objects.create(identity=challenge.identity, sent_at=now)
    return challenge


def reset_complete(*, challenge_id: str, password: str, request: HttpRequest | None = None) -> Account:
    """Set the new password of a verified reset and end every SSO session of the account.

    The relying parties of each ended session get a back-channel logout token; that
    happens after the password change is committed, so a slow client cannot undo it.
    """
    with transaction.atomic():
        challenge = _lock_verified(challenge_id, OtpPurpose.RESET)
        account = None
        if challenge.account_id is not None:
            account = Account.objects.select_for_update().filter(pk=challenge.account_id, is_active=True).first()
        if account is None:
            raise AccountRefused(_(STEP_EXPIRED), code="step_expired")
        account.set_password(password)
        account.save(update_fields=["password"])
        challenge.voided = True
        challenge.save(update_fields=["voided"])
        # Codes sent before the reset (login or another reset) must not outlive it.
        OtpChallenge.objects.filter(account=account, used_at__isnull=True).update(voided=True)
        record_event(action="password_reset", request=request, account=account, identity=challenge.identity)
    for sso_session in SsoSession.objects.filter(account=account, ended_at__isnull=True).select_related("account"):
        close_sso_session(sso_session=sso_session, request=request)
    return account


# --- "Thông tin định danh" → "Cập nhật từ CSDL quốc gia về Dân cư" ---------------------


def can_update_identity(account: Account) -> bool:
    return account.kind == AccountKind.PORTAL and account.account_type == AccountType.INDIVIDUAL


def _identity_snapshot(account: Account) -> dict[str, Any]:
    return {"id_number": account.id_number, "resident_id": account.resident_id, "gender": account.gender}


def identity_update(*, account: Account, id_number: str, request: HttpRequest | None = None) -> Account:
    """Add the CCCD to a national-portal account after matching it against the registry.

    The registry must know the number under the account's name and birth date; for a CMND
    account, a registry record carrying the same CMND is noted as supporting evidence. The
    number must be consistent with the account's birth date (and gender, when known) and not
    belong to another individual national-portal account. Failed matches count towards a
    temporary lock, so the form cannot be used to search the registry.
    """
    if not can_update_identity(account):
        raise AccountRefused(_(NOT_ELIGIBLE), code="not_eligible")
    key = f"identity_update:{account.pk}"
    locked = throttle.locked_for(key)
    if locked:
        raise AccountRefused(throttle.lock_message(locked), code="locked")
    if account.birth_date is None:
        raise AccountRefused(_(REGISTRY_NO_MATCH), code="no_match", field="so_cccd")
    problems = _consistency(id_number, account.birth_date, gender=account.gender)
    if problems:
        raise AccountRefused(" ".join(problems), code="inconsistent", field="so_cccd")
    others = Account.objects.filter(kind=AccountKind.PORTAL, account_type=AccountType.INDIVIDUAL).exclude(pk=account.pk)
    if others.filter(Q(id_number=id_number) | Q(username=id_number) | Q(resident__id_number=id_number)).exists():
        raise AccountRefused(_(CCCD_TAKEN), code="cccd_taken", field="so_cccd")
    resident = registry_match(
        client=REGISTRY_CLIENT, full_name=account.full_name, birth_date=account.birth_date, id_number=id_number
    )
    if resident is None:
        lock = throttle.register_failure(key)
        record_event(action="identity_update_failed", request=request, account=account, reason="no_match")
        if lock:
            raise AccountRefused(throttle.lock_message(lock), code="locked")
        raise AccountRefused(_(REGISTRY_NO_MATCH), code="no_match", field="so_cccd")
    with transaction.atomic():
        locked_account = Account.objects.select_for_update().get(pk=account.pk)
        before = _identity_snapshot(locked_account)
        locked_account.id_number = resident.id_number
        locked_account.resident = resident
        if not locked_account.gender:
            locked_account.gender = resident.gender
        locked_account.save(update_fields=["id_number", "resident", "gender"])
        record_event(
            action="identity_updated",
            request=request,
            account=locked_account,
            source="population_registry",
            before=before,
            after=_identity_snapshot(locked_account),
            cmnd_confirmed=bool(locked_account.cmnd) and resident.legacy_cmnd == locked_account.cmnd,
        )
    throttle.register_success(key)
    return locked_account
