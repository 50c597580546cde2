"""Back-office pages under /motcua/: sign-in (password + OTP, or VNeID), the officer's
workspace, profile and log, and administration scoped to the admin's unit tree."""

from __future__ import annotations

import csv
import io
import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from province.accounts.services import RequestInfo
from province.notify.sms import mask_phone
from province.sso import services as sso
from province.sso.services import VerifiedLogin

from . import otp, selectors, services
from .access import admin_required, current_officer, officer_of, officer_required
from .forms import (
    AccountCreateForm,
    CampaignForm,
    LoginForm,
    OtpForm,
    ProfileForm,
    RoleForm,
    SuspendForm,
    UnitForm,
)
from .models import (
    REQUIRED_PROFILE_FIELDS,
    Campaign,
    DefaultPage,
    OfficerAccount,
    OfficerLoginEvent,
    OfficerProfile,
    OtpChallenge,
    field_label,
)

LOG_PAGE_SIZE = 20
DEFAULT_PAGES = {
    DefaultPage.HOME: "backoffice:home",
    DefaultPage.PROFILE: "backoffice:profile",
    DefaultPage.LOGIN_LOG: "backoffice:login_log",
}


def _page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a signed-in page: the officer and the accounts they may switch to."""
    account = officer_of(request)
    ctx = {
        "officer": account,
        "switchable": selectors.same_person_accounts(account),
        **(context or {}),
    }
    return render(request, template, ctx, status=status)


def _landing(account: OfficerAccount) -> str:
    return reverse(DEFAULT_PAGES.get(DefaultPage(account.default_page), "backoffice:home"))


def _safe_next(request: HttpRequest, account: OfficerAccount) -> str:
    next_url = sso.safe_next(request.GET.get("next") or request.POST.get("next"))
    return next_url if next_url.startswith("/motcua/") else _landing(account)


# --- sign-in ------------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "POST"])
def login_page(request: HttpRequest) -> HttpResponse:
    account = current_officer(request)
    if account is not None:
        return HttpResponseRedirect(_safe_next(request, account))
    next_url = sso.safe_next(request.GET.get("next") or request.POST.get("next"))
    form = LoginForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.password_sign_in_start(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                request_info=RequestInfo.from_request(request),
            )
        except services.SignInError as exc:
            error, status = exc.message, exc.status
        else:
            request.session[services.SESSION_OTP] = challenge.id
            return redirect(reverse("backoffice:otp") + "?" + _next_qs(next_url))
    return render(request, "backoffice/login.html", {"form": form, "error": error, "next": next_url}, status=status)


def _next_qs(next_url: str) -> str:
    return urlencode({"next": next_url})


def _challenge(request: HttpRequest) -> OtpChallenge | None:
    challenge_id = request.session.get(services.SESSION_OTP)
    if not challenge_id:
        return None
    return OtpChallenge.objects.filter(id=challenge_id, used_at__isnull=True, voided=False).first()


@never_cache
@require_http_methods(["GET", "POST"])
def otp_page(request: HttpRequest) -> HttpResponse:
    challenge = _challenge(request)
    if challenge is None:
        request.session.pop(services.SESSION_OTP, None)
        messages.error(request, _("Phiên xác thực không còn hiệu lực. Vui lòng đăng nhập lại."))
        return redirect("backoffice:login")
    form = OtpForm(request.POST or None)
    error = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            account = services.password_sign_in_finish(
                challenge_id=challenge.id,
                code=form.cleaned_data["code"],
                request_info=RequestInfo.from_request(request),
            )
        except otp.OtpError as exc:
            if exc.void:
                request.session.pop(services.SESSION_OTP, None)
                messages.error(request, exc.message)
                return redirect("backoffice:login")
            error, status = exc.message, 400
            challenge.refresh_from_db()
        else:
            try:
                services.officer_login(request, account=account, method=OfficerLoginEvent.Method.PASSWORD_OTP)
            except services.SignInError as exc:
                messages.error(request, exc.message)
                return redirect("backoffice:login")
            return HttpResponseRedirect(_safe_next(request, account))
    return render(
        request,
        "backoffice/otp.html",
        {
            "form": form,
            "error": error,
            "masked_phone": mask_phone(challenge.phone),
            "seconds_left": otp.seconds_left(challenge),
            "resend_wait": otp.resend_wait(challenge),
            "next": sso.safe_next(request.GET.get("next")),
        },
        status=status,
    )


@never_cache
@require_POST
def otp_resend(request: HttpRequest) -> HttpResponse:
    challenge = _challenge(request)
    if challenge is None:
        return redirect("backoffice:login")
    try:
        otp.otp_resend(challenge_id=challenge.id)
        messages.success(request, _("Đã gửi lại mã OTP."))
    except otp.OtpError as exc:
        messages.error(request, exc.message)
        if exc.void:
            request.session.pop(services.SESSION_OTP, None)
            return redirect("backoffice:login")
    return redirect("backoffice:otp")


@never_cache
@require_POST
def otp_cancel(request: HttpRequest) -> HttpResponse:
    challenge = _challenge(request)
    if challenge is not None:
        type(challenge).objects.filter(pk=challenge.pk).update(voided=True)
    request.session.pop(services.SESSION_OTP, None)
    return redirect("backoffice:login")


@never_cache
@require_GET
def vneid_start(request: HttpRequest) -> HttpResponse:
    try:
        url = sso.start_login(request, next_url=reverse("backoffice:home"), purpose="backoffice")
    except sso.SsoFailure as failure:
        return vneid_failed(request, failure)
    return HttpResponseRedirect(url)


def vneid_failed(request: HttpRequest, failure: sso.SsoFailure) -> HttpResponse:
    """A VNeID sign-in that could not start or finish: the sign-in page again, with why (the
    SSO callback calls this for purpose "backoffice", after logging the failure)."""
    return failure.tell_when(
        render(request, "backoffice/login.html", {"form": LoginForm(), "error": failure.reason}, status=failure.status)
    )


def vneid_finish(request: HttpRequest, login: VerifiedLogin) -> HttpResponse:
    """Called by the SSO callback for purpose "backoffice" (never opens a citizen session)."""
    info = RequestInfo.from_request(request)
    try:
        accounts = services.officer_sign_in_from_claims(claims=login.claims, request_info=info)
    except services.SignInError as exc:
        return render(request, "backoffice/login.html", {"form": LoginForm(), "error": exc.message}, status=exc.status)
    ref = sso.SsoRef.of(login)
    if len(accounts) == 1:
        services.officer_login(request, account=accounts[0], method=OfficerLoginEvent.Method.VNEID)
        sso.bind_officer_session(request, ref=ref, person=accounts[0].person)
        return HttpResponseRedirect(_landing(accounts[0]))
    sso.cycle_session_key(request)
    request.session[services.SESSION_CHOOSER] = {
        "person": accounts[0].person_id,
        "accounts": [account.pk for account in accounts],
        "exp": int(time.time()) + int(settings.BACKOFFICE["CHOOSER_SECONDS"]),
        "sso": [ref.issuer, ref.sid, ref.subject],
    }
    return redirect("backoffice:choose_account")


@never_cache
@require_http_methods(["GET", "POST"])
def choose_account(request: HttpRequest) -> HttpResponse:
    """After a VNeID sign-in of a person with several accounts: pick one."""
    choice = request.session.get(services.SESSION_CHOOSER)
    if not choice or int(choice.get("exp", 0)) < time.time():
        request.session.pop(services.SESSION_CHOOSER, None)
        messages.error(request, _("Phiên chọn tài khoản đã hết hạn. Vui lòng đăng nhập lại."))
        return redirect("backoffice:login")
    accounts = list(
        OfficerAccount.objects.filter(pk__in=choice["accounts"], person_id=choice["person"], suspended=False)
        .select_related("unit", "person")
        .order_by("unit__name", "username")
    )
    if request.method == "POST":
        raw = request.POST.get("account", "")
        chosen = next((a for a in accounts if str(a.pk) == raw), None)
        if chosen is None:
            messages.error(request, _("Vui lòng chọn một tài khoản trong danh sách."))
        else:
            services.officer_login(request, account=chosen, method=OfficerLoginEvent.Method.VNEID)
            issuer, sid, subject = choice["sso"]
            sso.bind_officer_session(request, ref=sso.SsoRef(issuer, sid, subject), person=chosen.person)
            return HttpResponseRedirect(_landing(chosen))
    return render(request, "backoffice/choose_account.html", {"accounts": accounts})


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    account = current_officer(request)
    services.end_officer_session(request, reason="user", account=account)
    messages.success(request, _("Bạn đã đăng xuất khỏi Hệ thống Một cửa điện tử."))
    return redirect("backoffice:login")


@never_cache
@officer_required
@require_POST
def switch_account(request: HttpRequest) -> HttpResponse:
    current = officer_of(request)
    raw = request.POST.get("account", "")
    try:
        target = services.officer_switch(request, current=current, target_id=int(raw) if raw.isdigit() else 0)
    except services.SignInError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:home")
    messages.success(
        request,
        _("Đang làm việc với tài khoản %(username)s – %(unit)s.") % {"username": target.username, "unit": target.unit},
    )
    return HttpResponseRedirect(_landing(target))


# --- the officer's own pages ------------------------------------------------------------
@officer_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    account = officer_of(request)
    profile = selectors.profile_of(account)
    return _page(
        request,
        "backoffice/home.html",
        {"profile": profile, "missing": profile.missing_fields() if profile else list(REQUIRED_PROFILE_FIELDS)},
    )


def _field_labels(names: list[str]) -> list[str]:
    return [field_label(name) for name in names]


@officer_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    account = officer_of(request)
    prof = selectors.profile_of(account)
    missing = prof.missing_fields() if prof else list(REQUIRED_PROFILE_FIELDS)
    return _page(request, "backoffice/profile.html", {"profile": prof, "missing_labels": _field_labels(missing)})


@never_cache
@officer_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest) -> HttpResponse:
    account = officer_of(request)
    prof = selectors.profile_of(account)
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, profile=prof, account=account)
        if form.is_valid():
            data = dict(form.cleaned_data)
            avatar = data.pop("avatar")
            signature = data.pop("signature")
            receipt_password = data.pop("receipt_password")
            services.officer_update_profile(
                account=account,
                data=data,
                avatar=avatar,
                signature=signature,
                receipt_password=receipt_password,
                request_info=RequestInfo.from_request(request),
            )
            messages.success(request, _("Đã cập nhật thông tin cá nhân."))
            return redirect("backoffice:profile")
    else:
        initial: dict[str, Any] = {name: getattr(prof, name) for name in services.PROFILE_FIELDS} if prof else {}
        initial.update({"receipt_username": account.receipt_username, "default_page": account.default_page})
        form = ProfileForm(initial=initial, profile=prof, account=account)
    return _page(request, "backoffice/profile_edit.html", {"form": form, "profile": prof})


def _image_response(prof: OfficerProfile | None, kind: str) -> FileResponse:
    if prof is None or kind not in ("avatar", "signature"):
        raise Http404
    field = getattr(prof, kind)
    if not field:
        raise Http404
    content_type = "image/png" if field.name.endswith(".png") else "image/jpeg"
    response = FileResponse(field.open("rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@officer_required
@require_GET
def own_image(request: HttpRequest, kind: str) -> FileResponse:
    return _image_response(selectors.profile_of(officer_of(request)), kind)


@admin_required
@require_GET
def account_image(request: HttpRequest, account_id: int, kind: str) -> FileResponse:
    target = selectors.managed_account(officer_of(request), account_id)
    if target is None:
        raise Http404
    return _image_response(selectors.profile_of(target), kind)


@officer_required
@require_GET
def login_log(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.own_login_events(officer_of(request)), LOG_PAGE_SIZE)
    return _page(request, "backoffice/login_log.html", {"page": paginator.get_page(request.GET.get("trang"))})


# --- administration ---------------------------------------------------------------------
def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@admin_required
@require_http_methods(["GET", "POST"])
def units(request: HttpRequest) -> HttpResponse:
    admin = officer_of(request)
    form = UnitForm(request.POST or None, admin=admin, initial={"parent": admin.unit_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_save(
                admin=admin, unit=None, data=form.cleaned_data, request_info=RequestInfo.from_request(request)
            )
        except services.AdminError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã thêm đơn vị."))
            return redirect("backoffice:units")
    return _page(request, "backoffice/units.html", {"tree": selectors.managed_units_tree(admin), "form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    admin = officer_of(request)
    unit = selectors.managed_unit(admin, unit_id)
    if unit is None:
        raise Http404
    initial = {"code": unit.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent_id}
    form = UnitForm(request.POST or None, admin=admin, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if unit.pk == admin.unit_id:
            data["parent"] = unit.parent
        try:
            services.unit_save(admin=admin, unit=unit, data=data, request_info=RequestInfo.from_request(request))
        except services.AdminError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cập nhật đơn vị."))
            return redirect("backoffice:units")
    return _page(request, "backoffice/unit_edit.html", {"unit": unit, "form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def unit_accounts(request: HttpRequest, unit_id: int) -> HttpResponse:
    admin = officer_of(request)
    unit = selectors.managed_unit(admin, unit_id)
    if unit is None:
        raise Http404
    form = AccountCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.account_create(
            admin=admin, unit=unit, data=form.cleaned_data, request_info=RequestInfo.from_request(request)
        )
        messages.success(request, _("Đã cấp tài khoản %(username)s.") % {"username": form.cleaned_data["username"]})
        return redirect("backoffice:unit_accounts", unit_id=unit.pk)
    accounts = list(selectors.unit_accounts(unit))
    return _page(
        request,
        "backoffice/unit_accounts.html",
        {"unit": unit, "accounts": accounts, "form": form, "suspend_form": SuspendForm()},
    )


@admin_required
@require_POST
def account_suspend(request: HttpRequest, account_id: int) -> HttpResponse:
    admin = officer_of(request)
    target = selectors.managed_account(admin, account_id)
    if target is None:
        raise Http404
    form = SuspendForm(request.POST)
    suspend = request.POST.get("action") == "suspend"
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if suspend and not reason:
        messages.error(request, _("Vui lòng nhập lý do tạm đình chỉ."))
        return redirect("backoffice:unit_accounts", unit_id=target.unit_id)
    try:
        services.account_set_suspended(
            admin=admin,
            account=target,
            suspended=suspend,
            reason=reason,
            request_info=RequestInfo.from_request(request),
        )
    except services.AdminError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Đã tạm đình chỉ tài khoản %(u)s.") % {"u": target.username}
            if suspend
            else _("Đã bỏ tạm đình chỉ tài khoản %(u)s.") % {"u": target.username},
        )
    return redirect("backoffice:unit_accounts", unit_id=target.unit_id)


@admin_required
@require_http_methods(["GET", "POST"])
def account_role(request: HttpRequest, account_id: int) -> HttpResponse:
    admin = officer_of(request)
    target = selectors.managed_account(admin, account_id)
    if target is None:
        raise Http404
    initial = {
        "role": target.role,
        "position": target.position,
        "is_unit_representative": target.is_unit_representative,
        "is_department_representative": target.is_department_representative,
    }
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_set_role(
                admin=admin, account=target, request_info=RequestInfo.from_request(request), **form.cleaned_data
            )
        except services.AdminError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Đã cập nhật vai trò của %(u)s.") % {"u": target.username})
            return redirect("backoffice:unit_accounts", unit_id=target.unit_id)
    return _page(request, "backoffice/account_role.html", {"target": target, "form": form})


@admin_required
@require_http_methods(["GET", "POST"])
def campaigns(request: HttpRequest) -> HttpResponse:
    admin = officer_of(request)
    form = CampaignForm(request.POST or None, admin=admin, initial={"unit": admin.unit_id})
    if request.method == "POST" and form.is_valid():
        campaign = services.campaign_create(
            admin=admin,
            unit=form.cleaned_data["unit"],
            name=form.cleaned_data["name"],
            deadline=form.cleaned_data["deadline"],
            request_info=RequestInfo.from_request(request),
        )
        return redirect("backoffice:campaign_report", campaign_id=campaign.pk)
    items = (
        Campaign.objects.filter(unit_id__in=selectors.managed_unit_ids(admin))
        .select_related("unit")
        .order_by("-deadline")
    )
    return _page(request, "backoffice/campaigns.html", {"campaigns": items, "form": form})


def _campaign(request: HttpRequest, campaign_id: int) -> tuple[OfficerAccount, Campaign]:
    admin = officer_of(request)
    campaign = selectors.managed_campaign(admin, campaign_id)
    if campaign is None:
        raise Http404
    return admin, campaign


@admin_required
@require_GET
def campaign_report(request: HttpRequest, campaign_id: int) -> HttpResponse:
    _admin, campaign = _campaign(request, campaign_id)
    rows = selectors.campaign_report(campaign)
    labels = {name: field_label(name) for name in REQUIRED_PROFILE_FIELDS}
    return _page(
        request,
        "backoffice/campaign_report.html",
        {
            "campaign": campaign,
            "rows": rows,
            "labels": labels,
            "required_labels": list(labels.values()),
            "total": sum(r.total for r in rows),
            "complete": sum(r.complete for r in rows),
            "incomplete": sum(r.incomplete for r in rows),
        },
    )


def _report_table(campaign: Campaign) -> list[list[str]]:
    labels = {name: field_label(name) for name in REQUIRED_PROFILE_FIELDS}
    table = [
        [
            _("Đơn vị"),
            _("Tổng số tài khoản"),
            _("Đã chuẩn hóa"),
            _("Chưa chuẩn hóa"),
            _("Tên đăng nhập"),
            _("Còn thiếu"),
        ]
    ]
    for row in selectors.campaign_report(campaign):
        table.append([row.unit.name, str(row.total), str(row.complete), str(row.incomplete), "", ""])
        for account, missing in row.missing:
            table.append([row.unit.name, "", "", "", account.username, ", ".join(labels[m] for m in missing)])
    return table


def _safe_cell(value: str) -> str:
    # spreadsheet formula injection: a cell starting with = + - @ is text, not a formula
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value


@admin_required
@require_GET
def campaign_export(request: HttpRequest, campaign_id: int, fmt: str) -> HttpResponse:
    _admin, campaign = _campaign(request, campaign_id)
    table = [[_safe_cell(cell) for cell in row] for row in _report_table(campaign)]
    filename = f"chuan-hoa-can-bo-{campaign.pk}"
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")  # Excel opens UTF-8 CSV with Vietnamese correctly only with a BOM
        csv.writer(buffer).writerows(table)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "Bao cao"
        for row in table:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    raise Http404


@admin_required
@require_POST
def campaign_remind(request: HttpRequest, campaign_id: int) -> HttpResponse:
    admin, campaign = _campaign(request, campaign_id)
    result = services.campaign_send_reminders(
        admin=admin, campaign=campaign, request_info=RequestInfo.from_request(request)
    )
    messages.success(
        request,
        _("Đã gửi nhắc nhở tới %(sent)d cán bộ; %(nophone)d cán bộ chưa có số điện thoại; %(failed)d tin lỗi.")
        % {"sent": result.sent, "nophone": result.without_phone, "failed": result.failed},
    )
    return redirect("backoffice:campaign_report", campaign_id=campaign.pk)
