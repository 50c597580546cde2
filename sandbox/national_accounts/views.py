"""Pages of registration ("Đăng ký"), "Quên mật khẩu?" and "Thông tin định danh".

Views stay thin: rules and writes are in ``services``. Registration and reset are
three-step flows (form → code → password) whose only state in the browser session is the
challenge id, so a step can be reached only from the previous one in the same browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from sandbox.idp import otp
from sandbox.idp.forms import OtpForm
from sandbox.idp.models import Account, OtpChallenge, OtpPurpose
from sandbox.idp.services import record_event, safe_next

from . import services
from .forms import IdentityUpdateForm, NewPasswordForm, RegistrationForm, ResetForm


@dataclass(frozen=True)
class Flow:
    """One form → code → password flow and the names of its pages."""

    purpose: str
    session_key: str
    start: str
    otp: str
    password: str
    done: str
    otp_lead: str
    password_title: str
    done_title: str
    resend: Callable[[OtpChallenge], OtpChallenge]
    complete: Callable[..., Account]


REGISTER = Flow(
    purpose=OtpPurpose.REGISTER,
    session_key="national_accounts.register",
    start="national_accounts:register",
    otp="national_accounts:register_otp",
    password="national_accounts:register_password",
    done="national_accounts:register_done",
    otp_lead=gettext_noop("Mã xác thực đã được gửi đến số điện thoại bạn vừa đăng ký."),
    password_title=gettext_noop("Đặt mật khẩu"),
    done_title=gettext_noop("Tạo tài khoản thành công"),
    resend=lambda challenge: otp.otp_resend(challenge_id=challenge.id),
    complete=services.registration_complete,
)
RESET = Flow(
    purpose=OtpPurpose.RESET,
    session_key="national_accounts.reset",
    start="national_accounts:reset",
    otp="national_accounts:reset_otp",
    password="national_accounts:reset_password",
    done="national_accounts:reset_done",
    otp_lead=gettext_noop("Nếu tài khoản tồn tại, mã xác thực đã được gửi đến số điện thoại đã đăng ký."),
    password_title=gettext_noop("Đặt mật khẩu mới"),
    done_title=gettext_noop("Đổi mật khẩu thành công"),
    resend=lambda challenge: services.reset_resend(challenge=challenge),
    complete=services.reset_complete,
)
DONE_SUFFIX = ".done"


def _restart(request: HttpRequest, flow: Flow, message: str | None = None) -> HttpResponse:
    request.session.pop(flow.session_key, None)
    if message:
        messages.error(request, message)
    return redirect(flow.start)


# --- Registration -------------------------------------------------------------------


@require_GET
def register_choice(request: HttpRequest) -> HttpResponse:
    return render(request, "national_accounts/register_choice.html")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    refusal = ""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                challenge = services.registration_start(registration=form.registration(), request=request)
            except services.AccountRefused as exc:
                form.add_error(exc.field, exc.message)
                refusal = exc.code
            except otp.OtpError as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                request.session[REGISTER.session_key] = challenge.id
                return redirect(REGISTER.otp)
    return render(request, "national_accounts/register.html", {"form": form, "refusal": refusal}, status=status)


# --- Password reset -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest) -> HttpResponse:
    form = ResetForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                challenge = services.reset_start(username=form.cleaned_data["ten_dang_nhap"], request=request)
            except otp.OtpError as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                request.session[RESET.session_key] = challenge.id
                return redirect(RESET.otp)
    return render(request, "national_accounts/reset.html", {"form": form}, status=status)


# --- The code and password steps, shared by both flows ---------------------------------


def _otp_step(request: HttpRequest, flow: Flow) -> HttpResponse:
    challenge = services.open_challenge(request.session.get(flow.session_key), purpose=flow.purpose, verified=False)
    if challenge is None:
        return _restart(request, flow, _(services.STEP_EXPIRED))
    error: str | None = None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "confirm")
        if action == "cancel":
            services.cancel_challenge(challenge=challenge, request=request)
            return _restart(request, flow)
        try:
            if action == "resend":
                flow.resend(challenge)
                messages.success(request, _("Mã xác thực mới đã được gửi."))
                return redirect(flow.otp)
            otp.otp_verify(challenge_id=challenge.id, code=request.POST.get("ma_otp", ""))
        except otp.OtpError as exc:
            if action != "resend":
                record_event(
                    action="otp_failed", request=request, account=challenge.account, identity=challenge.identity
                )
            if exc.void:
                return _restart(request, flow, exc.message)
            error, status = exc.message, (429 if action == "resend" else 400)
            challenge.refresh_from_db()
        else:
            return redirect(flow.password)
    context = {
        "flow": flow,
        "form": OtpForm(),
        "error": error,
        "lead": _(flow.otp_lead),
        "masked_phone": otp.mask_phone(challenge.phone),
        "seconds_left": otp.seconds_left(challenge),
        "resend_wait": otp.resend_wait(challenge),
    }
    return render(request, "national_accounts/otp.html", context, status=status)


def _password_step(request: HttpRequest, flow: Flow) -> HttpResponse:
    challenge_id = request.session.get(flow.session_key)
    challenge = services.open_challenge(challenge_id, purpose=flow.purpose, verified=True)
    if challenge is None:
        return _restart(request, flow, _(services.STEP_EXPIRED))
    if challenge.account is not None:
        account = challenge.account
    else:
        account = services.Registration.from_payload(challenge.payload).draft_account()
    form = NewPasswordForm(request.POST or None, account=account)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                done = flow.complete(challenge_id=challenge.id, password=form.cleaned_data["mat_khau"], request=request)
            except services.AccountRefused as exc:
                if exc.code == "step_expired":
                    return _restart(request, flow, exc.message)
                form.add_error(None, exc.message)
            else:
                request.session.pop(flow.session_key, None)
                request.session[flow.session_key + DONE_SUFFIX] = done.username
                return redirect(flow.done)
    context = {"flow": flow, "form": form, "title": _(flow.password_title)}
    return render(request, "national_accounts/password.html", context, status=status)


def _done_step(request: HttpRequest, flow: Flow) -> HttpResponse:
    username = request.session.pop(flow.session_key + DONE_SUFFIX, None)
    if username is None:
        return redirect(flow.start)
    context = {"flow": flow, "username": username, "title": _(flow.done_title)}
    return render(request, "national_accounts/done.html", context)


@require_http_methods(["GET", "POST"])
def register_otp(request: HttpRequest) -> HttpResponse:
    return _otp_step(request, REGISTER)


@require_http_methods(["GET", "POST"])
def register_password(request: HttpRequest) -> HttpResponse:
    return _password_step(request, REGISTER)


@require_GET
def register_done(request: HttpRequest) -> HttpResponse:
    return _done_step(request, REGISTER)


@require_http_methods(["GET", "POST"])
def reset_otp(request: HttpRequest) -> HttpResponse:
    return _otp_step(request, RESET)


@require_http_methods(["GET", "POST"])
def reset_password(request: HttpRequest) -> HttpResponse:
    return _password_step(request, RESET)


@require_GET
def reset_done(request: HttpRequest) -> HttpResponse:
    return _done_step(request, RESET)


# --- "Thông tin cá nhân" → "Thông tin định danh" --------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest) -> HttpResponse:
    account = request.user
    assert isinstance(account, Account)  # login_required: never anonymous here
    if not services.can_update_identity(account):
        return render(request, "national_accounts/identity.html", {"account": account, "eligible": False}, status=403)
    # Reached from the sign-in prompt of seed 003, ``next`` is where "Bỏ qua" and "Cập nhật" go.
    candidate = request.POST.get("next") or request.GET.get("next")
    next_url = safe_next(request, candidate) if candidate else ""
    form = IdentityUpdateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.identity_update(account=account, id_number=form.cleaned_data["so_cccd"], request=request)
            except services.AccountRefused as exc:
                form.add_error(exc.field, exc.message)
                status = 429 if exc.code == "locked" else 400
            else:
                messages.success(request, _("Đã cập nhật số CCCD từ CSDL quốc gia về Dân cư."))
                return redirect(next_url or "national_accounts:identity")
    return render(
        request,
        "national_accounts/identity.html",
        {"account": account, "eligible": True, "form": form, "next_url": next_url},
        status=status,
    )
