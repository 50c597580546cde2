"""The SSO's sign-in pages: VNeID (số định danh + mật khẩu → OTP) and national-portal account.

Views stay thin: credentials are checked by ``authenticate_password``, codes by ``otp``,
and every successful way ends in ``services.complete_login``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from . import otp, throttle
from .forms import OtpForm, PortalPasswordForm, VneidPasswordForm
from .models import Account, AccountKind, LoginMethod, OtpChallenge, OtpPurpose
from .oidc import authorize_after_login
from .services import complete_login, end_sso_session, record_event, remember_next

SESSION_CHALLENGE_KEY = "otp_challenge"
GENERIC_VNEID_ERROR = gettext_noop("Số định danh cá nhân hoặc mật khẩu không đúng.")
GENERIC_PORTAL_ERROR = gettext_noop("Tên đăng nhập hoặc mật khẩu không đúng.")
# Hash of a random password: verifying against it costs what a real check costs, so an
# unknown account answers as slowly as a known one.
_DUMMY_HASH: list[str] = []


def _dummy_check(password: str) -> None:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(make_password("dummy-password-for-timing"))
    check_password(password, _DUMMY_HASH[0])


def authenticate_password(*, kind: str, username: str, password: str) -> Account | None:
    account = Account.objects.filter(kind=kind, username=username, is_active=True).first()
    if account is None:
        _dummy_check(password)
        return None
    if not account.check_password(password):
        return None
    return account


def _login_context(request: HttpRequest, **extra: object) -> dict[str, object]:
    tab = request.GET.get("cach") or request.POST.get("cach") or "vneid"
    context: dict[str, object] = {
        "tab": "dvcqg" if tab == "dvcqg" else "vneid",
        "vneid_form": VneidPasswordForm(),
        "portal_form": PortalPasswordForm(),
    }
    context.update(extra)
    return context


@require_http_methods(["GET"])
def login_page(request: HttpRequest) -> HttpResponse:
    if "next" in request.GET:
        remember_next(request, request.GET.get("next"))
    return render(request, "idp/login.html", _login_context(request))


def _start_otp(request: HttpRequest, *, account: Account, purpose: str, identity: str) -> HttpResponse | None:
    try:
        challenge = otp.otp_start(purpose=purpose, identity=identity, phone=account.phone, account=account)
    except otp.OtpError as exc:
        messages.error(request, exc.message)
        return None
    request.session[SESSION_CHALLENGE_KEY] = challenge.id
    record_event(action="otp_sent", request=request, account=account, identity=identity)
    return redirect("idp:otp")


@require_POST
def vneid_password(request: HttpRequest) -> HttpResponse:
    form = VneidPasswordForm(request.POST)
    if not form.is_valid():
        return render(request, "idp/login.html", _login_context(request, vneid_form=form, tab="vneid"), status=400)
    number = form.cleaned_data["so_dinh_danh"]
    identity = f"vneid:{number}"
    locked = throttle.locked_for(identity)
    if locked:
        form.add_error(None, throttle.lock_message(locked))
        return render(request, "idp/login.html", _login_context(request, vneid_form=form), status=429)
    account = authenticate_password(kind=AccountKind.VNEID, username=number, password=form.cleaned_data["mat_khau"])
    if account is None:
        lock = throttle.register_failure(identity)
        record_event(action="login_failed", request=request, identity=identity, reason="password")
        form.add_error(None, throttle.lock_message(lock) if lock else _(GENERIC_VNEID_ERROR))
        return render(request, "idp/login.html", _login_context(request, vneid_form=form), status=400)
    response = _start_otp(request, account=account, purpose=OtpPurpose.VNEID_LOGIN, identity=identity)
    if response is None:
        return render(request, "idp/login.html", _login_context(request, vneid_form=form), status=429)
    return response


@require_POST
def portal_password(request: HttpRequest) -> HttpResponse:
    form = PortalPasswordForm(request.POST)
    context_tab = {"tab": "dvcqg"}
    if not form.is_valid():
        return render(request, "idp/login.html", _login_context(request, portal_form=form, **context_tab), status=400)
    username = form.cleaned_data["ten_dang_nhap"]
    identity = f"portal:{username}"
    locked = throttle.locked_for(identity)
    if locked:
        form.add_error(None, throttle.lock_message(locked))
        return render(request, "idp/login.html", _login_context(request, portal_form=form, **context_tab), status=429)
    account = authenticate_password(kind=AccountKind.PORTAL, username=username, password=form.cleaned_data["mat_khau"])
    if account is None:
        lock = throttle.register_failure(identity)
        record_event(action="login_failed", request=request, identity=identity, reason="password")
        form.add_error(None, throttle.lock_message(lock) if lock else _(GENERIC_PORTAL_ERROR))
        return render(request, "idp/login.html", _login_context(request, portal_form=form, **context_tab), status=400)
    response = _start_otp(request, account=account, purpose=OtpPurpose.PORTAL_LOGIN, identity=identity)
    if response is None:
        return render(request, "idp/login.html", _login_context(request, portal_form=form, **context_tab), status=429)
    return response


def _current_challenge(request: HttpRequest) -> OtpChallenge | None:
    challenge_id = request.session.get(SESSION_CHALLENGE_KEY)
    if not challenge_id:
        return None
    return (
        OtpChallenge.objects.select_related("account")
        .filter(id=challenge_id, used_at__isnull=True, voided=False)
        .first()
    )


def _abandon(request: HttpRequest, message: str | None = None) -> HttpResponse:
    request.session.pop(SESSION_CHALLENGE_KEY, None)
    if message:
        messages.error(request, message)
    return redirect(reverse("idp:login"))


@require_http_methods(["GET", "POST"])
def otp_page(request: HttpRequest) -> HttpResponse:
    challenge = _current_challenge(request)
    if challenge is None or challenge.account is None:
        return _abandon(request, _("Phiên xác thực không còn hiệu lực. Vui lòng đăng nhập lại."))
    account = challenge.account
    form = OtpForm()
    error: str | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "confirm")
        if action == "cancel":
            OtpChallenge.objects.filter(id=challenge.id).update(voided=True)
            record_event(
                action="otp_cancelled", request=request, account=challenge.account, identity=challenge.identity
            )
            return _abandon(request)
        if action == "resend":
            try:
                challenge = otp.otp_resend(challenge_id=challenge.id)
                messages.success(request, _("Mã OTP mới đã được gửi."))
                return redirect("idp:otp")
            except otp.OtpError as exc:
                if exc.void:
                    return _abandon(request, exc.message)
                error = exc.message
                status = 429
        else:
            try:
                verified = otp.otp_verify(challenge_id=challenge.id, code=request.POST.get("ma_otp", ""))
            except otp.OtpError as exc:
                record_event(
                    action="otp_failed", request=request, account=challenge.account, identity=challenge.identity
                )
                if exc.void:
                    return _abandon(request, exc.message)
                error = exc.message
                status = 400
            else:
                request.session.pop(SESSION_CHALLENGE_KEY, None)
                method = (
                    LoginMethod.VNEID_PASSWORD
                    if verified.purpose == OtpPurpose.VNEID_LOGIN
                    else LoginMethod.PORTAL_PASSWORD
                )
                # The account as read with the challenge above (the same row: a
                # challenge's account never changes).
                next_url = complete_login(request=request, account=account, method=method)
                return authorize_after_login(request, next_url) or redirect(next_url)
        challenge.refresh_from_db()
    context = {
        "form": form,
        "error": error,
        "challenge": challenge,
        "masked_phone": otp.mask_phone(challenge.phone),
        "seconds_left": otp.seconds_left(challenge),
        "resend_wait": otp.resend_wait(challenge),
        "vneid": challenge.purpose == OtpPurpose.VNEID_LOGIN,
    }
    return render(request, "idp/otp.html", context, status=status)


@login_required
def account_page(request: HttpRequest) -> HttpResponse:
    return render(request, "idp/account.html", {"account": request.user})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    end_sso_session(request=request)
    return redirect("idp:login")
