"""Writes of the back office: officer sign-in (password + OTP, or VNeID through the national
SSO), account switching, sign-out, profile updates and administration. Every change leaves
an ``AuditLog`` row in its transaction; every sign-in, switch or failure also leaves an
``OfficerLoginEvent`` (the officer's "Nhật ký đăng nhập cá nhân")."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from province.accounts.models import Person
from province.accounts.services import RequestInfo, audit
from province.notify import sms
from province.sso.claims import IdentityClaims

from . import crypto, otp, selectors
from .models import (
    Campaign,
    OfficerAccount,
    OfficerLoginEvent,
    OfficerProfile,
    OtpChallenge,
    Role,
    Unit,
)

logger = logging.getLogger(__name__)

SESSION_ACCOUNT = "officer_account_id"
SESSION_PERSON = "officer_person_id"
SESSION_AUTH_AT = "officer_auth_at"
SESSION_LAST_SEEN = "officer_last_seen"
SESSION_OTP = "officer_otp_challenge"
SESSION_CHOOSER = "officer_vneid_choice"
# How the officer proved who they are (the Django admin asks for a second factor): the
# sign-in method, and the assurance level the national SSO asserted for a VNeID sign-in.
SESSION_AUTH_METHOD = "officer_auth_method"
SESSION_VNEID_LEVEL = "officer_vneid_level"
OFFICER_SESSION_KEYS = (
    SESSION_ACCOUNT,
    SESSION_PERSON,
    SESSION_AUTH_AT,
    SESSION_LAST_SEEN,
    SESSION_AUTH_METHOD,
    SESSION_VNEID_LEVEL,
)

# Compared against for unknown usernames so that both answers take the same time.
_DUMMY_HASH = SimpleLazyObject(lambda: make_password("officer-dummy-password"))


class SignInError(Exception):
    """A sign-in that cannot go on; ``message`` is shown as it is (Vietnamese)."""

    def __init__(self, message: str, *, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def bad_credentials_message() -> str:
    return _("Tên đăng nhập hoặc mật khẩu không đúng.")


def suspended_message() -> str:
    return _("Tài khoản đang bị tạm đình chỉ")


def not_standardised_message() -> str:
    return _(
        "Tài khoản cán bộ chưa được chuẩn hóa số CCCD. Vui lòng đăng nhập bằng tài khoản được cấp "
        "và cập nhật Trang cá nhân trước."
    )


def _officer_audit(
    *,
    actor: OfficerAccount | None,
    action: str,
    target: Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    request_info: RequestInfo | None = None,
) -> None:
    after_with_actor = dict(after or {})
    if actor is not None:
        after_with_actor.setdefault("acting_officer_account", actor.pk)
    audit(
        actor=actor.person if actor is not None else None,
        action=action,
        target=target,
        before=before,
        after=after_with_actor,
        request_info=request_info,
    )


def _log_event(
    *,
    method: str,
    success: bool,
    request_info: RequestInfo,
    account: OfficerAccount | None = None,
    person: Person | None = None,
    reason: str = "",
) -> OfficerLoginEvent:
    event = OfficerLoginEvent.objects.create(
        account=account,
        person=person or (account.person if account is not None else None),
        method=method,
        success=success,
        reason=reason[:300],
        ip_address=request_info.ip_address,
        user_agent=request_info.user_agent,
    )
    if not success:
        _officer_audit(
            actor=None,
            action="officer.login_failed",
            target=event,
            after={"method": method, "reason": reason[:100], "account": account.pk if account else None},
            request_info=request_info,
        )
    return event


# --- sign-in with an issued account: password, then an SMS code ------------------------
def password_sign_in_start(*, username: str, password: str, request_info: RequestInfo) -> OtpChallenge:
    """Check the password and send a code to the officer's phone.

    A wrong password and an unknown username give the same message and both count towards
    the identity's lock; a suspended account is refused even with the right password.
    """
    key = otp.identity_key(username)
    locked = otp.locked_for(key)
    if locked:
        raise SignInError(otp.lock_message(locked), status=429)
    account = (
        OfficerAccount.objects.select_related("person").filter(username=username.strip().lower()).first()
        if username.strip()
        else None
    )
    if account is None or not account.check_password(password):
        if account is None:
            check_password(password, str(_DUMMY_HASH))
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.PASSWORD_OTP,
                success=False,
                account=account,
                reason="bad_credentials",
                request_info=request_info,
            )
        lock = otp.register_failure(key)
        if lock:
            raise SignInError(otp.lock_message(lock), status=429)
        raise SignInError(bad_credentials_message())
    if account.suspended:
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.PASSWORD_OTP,
                success=False,
                account=account,
                reason="suspended",
                request_info=request_info,
            )
        raise SignInError(suspended_message(), status=403)
    profile = selectors.profile_of(account)
    if profile is None or not profile.phone:
        raise SignInError(
            _("Tài khoản chưa có số điện thoại nhận mã OTP. Vui lòng liên hệ quản trị đơn vị."), status=403
        )
    try:
        return otp.otp_start(account=account, identity=key, phone=profile.phone)
    except otp.OtpError as exc:
        raise SignInError(exc.message, status=429) from exc


def password_sign_in_finish(*, challenge_id: str, code: str, request_info: RequestInfo) -> OfficerAccount:
    """Accept the code; return the account to open a session for. Raises ``otp.OtpError``."""
    try:
        challenge = otp.otp_verify(challenge_id=challenge_id, code=code)
    except otp.OtpError as exc:
        account = OfficerAccount.objects.filter(
            pk=OtpChallenge.objects.filter(id=challenge_id).values("account_id")[:1]
        ).first()
        if account is not None:
            with transaction.atomic():
                _log_event(
                    method=OfficerLoginEvent.Method.PASSWORD_OTP,
                    success=False,
                    account=account,
                    reason="otp_locked" if exc.void else "otp_wrong",
                    request_info=request_info,
                )
        raise
    account = OfficerAccount.objects.select_related("person", "unit").get(pk=challenge.account_id)
    if account.suspended:  # suspended between the two steps
        raise otp.OtpError(suspended_message(), void=True)
    return account


# --- sign-in with VNeID through the national SSO ----------------------------------------
def officer_sign_in_from_claims(*, claims: IdentityClaims, request_info: RequestInfo) -> list[OfficerAccount]:
    """The officer accounts a verified national sign-in may use (never suspended ones).

    Matched by the số định danh against standardised officer profiles. Raises
    ``SignInError`` when there is none or when every account is suspended.
    """
    profile = None
    if claims.id_number and not claims.is_business:
        profile = OfficerProfile.objects.select_related("person").filter(id_number=claims.id_number).first()
    if profile is None or not profile.is_standardised:
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.VNEID,
                success=False,
                person=profile.person if profile else None,
                reason="not_standardised",
                request_info=request_info,
            )
        raise SignInError(not_standardised_message(), status=403)
    accounts = list(
        OfficerAccount.objects.filter(person=profile.person).select_related("unit", "person").order_by("unit__name")
    )
    active = [account for account in accounts if not account.suspended]
    if not accounts:
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.VNEID,
                success=False,
                person=profile.person,
                reason="no_account",
                request_info=request_info,
            )
        raise SignInError(not_standardised_message(), status=403)
    if not active:
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.VNEID,
                success=False,
                account=accounts[0],
                reason="suspended",
                request_info=request_info,
            )
        raise SignInError(suspended_message(), status=403)
    if profile.id_verified_at is None:
        with transaction.atomic():
            profile.id_verified_at = timezone.now()
            profile.save(update_fields=["id_verified_at", "updated_at"])
            _officer_audit(
                actor=None,
                action="officer.id_number_confirmed",
                target=profile,
                after={"by": "national_sso", "level": claims.level},
                request_info=request_info,
            )
    return active


# --- the officer session ----------------------------------------------------------------
def _write_session(request: HttpRequest, account: OfficerAccount) -> None:
    from province.sso.services import cycle_session_key

    session = request.session
    cycle_session_key(request)  # a new session id at every sign-in and switch
    now = int(time.time())
    session[SESSION_ACCOUNT] = account.pk
    session[SESSION_PERSON] = account.person_id
    session[SESSION_AUTH_AT] = session[SESSION_LAST_SEEN] = now
    session.pop(SESSION_OTP, None)
    session.pop(SESSION_CHOOSER, None)


def officer_login(request: HttpRequest, *, account: OfficerAccount, method: str) -> OfficerLoginEvent:
    """Open the officer session for ``account`` (rotated key), log and audit it.

    A citizen session of *another* person in the same browser is ended first, so that the
    two sessions in one cookie always belong to one human.
    """
    from province.sso.services import close_session

    if account.suspended:
        raise SignInError(suspended_message(), status=403)
    user = request.user
    if user.is_authenticated and user.pk != account.person_id:
        close_session(request, reason="officer_sign_in")
    info = RequestInfo.from_request(request)
    with transaction.atomic():
        _write_session(request, account)
        request.session[SESSION_AUTH_METHOD] = method
        account.last_login_at = timezone.now()
        account.save(update_fields=["last_login_at"])
        event = _log_event(method=method, success=True, account=account, request_info=info)
        _officer_audit(
            actor=account,
            action="officer.login",
            target=account,
            after={"method": method, "unit": account.unit_id},
            request_info=info,
        )
    logger.info("officer_login account=%s method=%s", account.pk, method)
    return event


def officer_switch(request: HttpRequest, *, current: OfficerAccount, target_id: int) -> OfficerAccount:
    """Move the session to another account of the same person (not suspended)."""
    target = (
        OfficerAccount.objects.select_related("unit", "person")
        .filter(pk=target_id, person_id=current.person_id, suspended=False)
        .exclude(pk=current.pk)
        .first()
    )
    info = RequestInfo.from_request(request)
    if target is None:
        with transaction.atomic():
            _log_event(
                method=OfficerLoginEvent.Method.SWITCH,
                success=False,
                account=current,
                reason="switch_refused",
                request_info=info,
            )
        raise SignInError(_("Không thể chuyển sang tài khoản này."), status=403)
    with transaction.atomic():
        _write_session(request, target)
        target.last_login_at = timezone.now()
        target.save(update_fields=["last_login_at"])
        _log_event(method=OfficerLoginEvent.Method.SWITCH, success=True, account=target, request_info=info)
        _officer_audit(
            actor=target,
            action="officer.switched",
            target=target,
            before={"officer_account": current.pk},
            after={"officer_account": target.pk},
            request_info=info,
        )
    return target


def end_officer_session(request: HttpRequest, *, reason: str, account: OfficerAccount | None = None) -> None:
    """Drop the officer keys (the citizen keys, if any, stay) and rotate the session id."""
    from province.sso.services import cycle_session_key, end_officer_binding

    session = request.session
    had = session.get(SESSION_ACCOUNT)
    for key in (*OFFICER_SESSION_KEYS, SESSION_OTP, SESSION_CHOOSER):
        session.pop(key, None)
    if had:
        end_officer_binding(request)
        cycle_session_key(request)
    if account is not None:
        with transaction.atomic():
            _officer_audit(
                actor=account,
                action="officer.logout",
                target=account,
                after={"reason": reason},
                request_info=RequestInfo.from_request(request),
            )


# --- profile ----------------------------------------------------------------------------
PROFILE_FIELDS = (
    "full_name",
    "card_name",
    "gender",
    "address",
    "birth_date",
    "email",
    "id_number",
    "id_issued_on",
    "id_issued_by",
    "permanent_address",
    "phone",
    "signing_phone",
)
ACCOUNT_FIELDS = ("receipt_username", "default_page")


def officer_update_profile(
    *,
    account: OfficerAccount,
    data: Mapping[str, Any],
    avatar: ContentFile[bytes] | None = None,
    signature: ContentFile[bytes] | None = None,
    receipt_password: str | None = None,
    request_info: RequestInfo,
) -> OfficerProfile:
    """Save the officer's own profile (validated by the form) and account preferences.

    The receipt password is stored encrypted; ``None`` or "" keeps the stored one. The
    audit row names it as changed without any value.
    """
    with transaction.atomic():
        profile, _created = OfficerProfile.objects.select_for_update().get_or_create(person_id=account.person_id)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for name in PROFILE_FIELDS:
            if name in data:
                value = data[name] if data[name] != "" or name != "id_number" else None
                if getattr(profile, name) != value:
                    before[name], after[name] = getattr(profile, name), value
                    setattr(profile, name, value)
        for name, upload in (("avatar", avatar), ("signature", signature)):
            if upload is not None:
                old = getattr(profile, name)
                if old:
                    old.delete(save=False)
                getattr(profile, name).save(upload.name, upload, save=False)
                after[name] = "replaced"
        if before or after:
            if "id_number" in after:
                profile.id_verified_at = None  # a new number must be confirmed again
            profile.save()
        account_changed: list[str] = []
        for name in ACCOUNT_FIELDS:
            if name in data and getattr(account, name) != data[name]:
                before[name], after[name] = getattr(account, name), data[name]
                setattr(account, name, data[name])
                account_changed.append(name)
        if receipt_password:
            account.receipt_password_encrypted = crypto.encrypt(receipt_password)
            account_changed.append("receipt_password_encrypted")
            after["receipt_password"] = "changed"
        if account_changed:
            account.save(update_fields=[*account_changed, "updated_at"])
        if after:
            _officer_audit(
                actor=account,
                action="officer.profile_updated",
                target=profile,
                before=before,
                after=after,
                request_info=request_info,
            )
    return profile


# --- administration ---------------------------------------------------------------------
class AdminError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _require_scope(admin: OfficerAccount, unit_id: int | None) -> None:
    if unit_id is None or unit_id not in selectors.managed_unit_ids(admin):
        raise PermissionError("unit outside the administrator's scope")


def unit_save(
    *,
    admin: OfficerAccount,
    unit: Unit | None,
    data: Mapping[str, Any],
    request_info: RequestInfo,
) -> Unit:
    """Create (``unit`` None) or edit a unit under the admin's own unit."""
    parent: Unit | None = data["parent"]
    _require_scope(admin, parent.pk if parent else None)
    if unit is not None:
        _require_scope(admin, unit.pk)
        if unit.pk == admin.unit_id:
            # the admin's own unit keeps its place: moving it would escape their scope
            parent = unit.parent
        elif parent is not None and parent.pk in selectors.unit_subtree_ids(unit):
            raise AdminError(_("Không thể chọn đơn vị cấp dưới làm đơn vị cấp trên."))
    with transaction.atomic():
        values = {"parent": parent, "code": data["code"], "name": data["name"], "kind": data["kind"]}
        if unit is None:
            unit = Unit.objects.create(**values)
            _officer_audit(
                actor=admin,
                action="unit.created",
                target=unit,
                after={**values, "parent": parent.pk if parent else None},
                request_info=request_info,
            )
        else:
            before = {"parent": unit.parent_id, "code": unit.code, "name": unit.name, "kind": unit.kind}
            for name, value in values.items():
                setattr(unit, name, value)
            unit.save()
            _officer_audit(
                actor=admin,
                action="unit.updated",
                target=unit,
                before=before,
                after={**values, "parent": parent.pk if parent else None},
                request_info=request_info,
            )
    return unit


def account_create(
    *,
    admin: OfficerAccount,
    unit: Unit,
    data: Mapping[str, Any],
    request_info: RequestInfo,
) -> OfficerAccount:
    """Issue an account with an initial password. An existing person is found by the
    officer profile's số CCCD (so one human gets several accounts); otherwise a new
    Person with an officer profile (name and phone) is created."""
    _require_scope(admin, unit.pk)
    with transaction.atomic():
        profile = None
        if data.get("id_number"):
            profile = OfficerProfile.objects.select_related("person").filter(id_number=data["id_number"]).first()
        if profile is None:
            person = Person.objects.create_user(full_name=data["full_name"])
            profile = OfficerProfile.objects.create(
                person=person,
                full_name=data["full_name"],
                phone=data["phone"],
                id_number=data.get("id_number") or None,
            )
        account = OfficerAccount(
            username=data["username"],
            person=profile.person,
            unit=unit,
            position=data.get("position", ""),
            role=data["role"],
        )
        account.set_password(data["password"])
        account.save()
        _officer_audit(
            actor=admin,
            action="officer_account.created",
            target=account,
            after={"username": account.username, "unit": unit.pk, "role": account.role, "person": account.person_id},
            request_info=request_info,
        )
    return account


def account_set_suspended(
    *,
    admin: OfficerAccount,
    account: OfficerAccount,
    suspended: bool,
    reason: str,
    request_info: RequestInfo,
) -> OfficerAccount:
    _require_scope(admin, account.unit_id)
    if account.pk == admin.pk and suspended:
        raise AdminError(_("Không thể tạm đình chỉ chính tài khoản đang dùng."))
    with transaction.atomic():
        before = {"suspended": account.suspended, "reason": account.suspended_reason}
        account.suspended = suspended
        account.suspended_reason = reason if suspended else ""
        account.suspended_at = timezone.now() if suspended else None
        account.save(update_fields=["suspended", "suspended_reason", "suspended_at", "updated_at"])
        _officer_audit(
            actor=admin,
            action="officer_account.suspended" if suspended else "officer_account.unsuspended",
            target=account,
            before=before,
            after={"suspended": suspended, "reason": reason},
            request_info=request_info,
        )
    return account


def account_set_role(
    *,
    admin: OfficerAccount,
    account: OfficerAccount,
    role: str,
    position: str,
    is_unit_representative: bool,
    is_department_representative: bool,
    request_info: RequestInfo,
) -> OfficerAccount:
    _require_scope(admin, account.unit_id)
    if role not in Role.values:
        raise AdminError(_("Vai trò không hợp lệ."))
    if account.pk == admin.pk and role != Role.ADMIN:
        raise AdminError(_("Không thể tự bỏ quyền quản trị của chính tài khoản đang dùng."))
    values = {
        "role": role,
        "position": position,
        "is_unit_representative": is_unit_representative,
        "is_department_representative": is_department_representative,
    }
    with transaction.atomic():
        before = {name: getattr(account, name) for name in values}
        for name, value in values.items():
            setattr(account, name, value)
        account.save(update_fields=[*values, "updated_at"])
        _officer_audit(
            actor=admin,
            action="officer_account.role_changed",
            target=account,
            before=before,
            after=values,
            request_info=request_info,
        )
    return account


def campaign_create(
    *, admin: OfficerAccount, unit: Unit, name: str, deadline: Any, request_info: RequestInfo
) -> Campaign:
    _require_scope(admin, unit.pk)
    with transaction.atomic():
        campaign = Campaign.objects.create(name=name, unit=unit, deadline=deadline, created_by=admin)
        _officer_audit(
            actor=admin,
            action="campaign.created",
            target=campaign,
            after={"name": name, "unit": unit.pk, "deadline": deadline},
            request_info=request_info,
        )
    return campaign


@dataclass(frozen=True)
class ReminderResult:
    sent: int
    without_phone: int
    failed: int


REMINDER_TEXT = (
    "He thong Mot cua dien tu: de nghi dong chi cap nhat Trang ca nhan (ho ten, gioi tinh, ngay sinh, "
    "so CCCD, so dien thoai) truoc ngay {deadline}."
)


def campaign_send_reminders(*, admin: OfficerAccount, campaign: Campaign, request_info: RequestInfo) -> ReminderResult:
    """SMS "Gửi nhắc nhở" to each person who still misses a required field (once per
    person, however many accounts), audited with the counts and the account ids."""
    _require_scope(admin, campaign.unit_id)
    people: dict[int, OfficerAccount] = {}
    for row in selectors.campaign_report(campaign):
        for account, _missing in row.missing:
            people.setdefault(account.person_id, account)
    profiles = {p.person_id: p for p in OfficerProfile.objects.filter(person_id__in=people)}
    sent = without_phone = failed = 0
    reminded: list[int] = []
    body = REMINDER_TEXT.format(deadline=campaign.deadline.strftime("%d/%m/%Y"))
    for person_id, account in people.items():
        profile = profiles.get(person_id)
        if profile is None or not profile.phone:
            without_phone += 1
            continue
        try:
            sms.send_sms(to=profile.phone, body=body, sender=otp.SENDER)
        except (sms.SmsError, sms.InvalidPhoneNumber):
            failed += 1
            continue
        sent += 1
        reminded.append(account.pk)
    with transaction.atomic():
        _officer_audit(
            actor=admin,
            action="campaign.reminders_sent",
            target=campaign,
            after={"sent": sent, "without_phone": without_phone, "failed": failed, "accounts": reminded},
            request_info=request_info,
        )
    return ReminderResult(sent=sent, without_phone=without_phone, failed=failed)


def settings_summary() -> dict[str, Any]:
    """For the sign-in page: how long a code lives (shown as a countdown)."""
    return {"otp_seconds": settings.BACKOFFICE["OTP_SECONDS"]}
