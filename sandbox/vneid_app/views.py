"""Pages of the simulated VNeID phone app: sign in, home, scan a QR, approve or refuse.

Thin views: the QR rules are in ``sandbox.idp.qr`` and the sign-in rules in
``sandbox.vneid_app.services``, shared with the JSON API in ``api.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sandbox.idp import qr as qr_services
from sandbox.idp.models import Account, QrStatus

from . import services
from .forms import ApproveForm, ScanForm, SignInForm

SESSION_NOTICE_KEY = "vneid_app_notice"
AppView = Callable[..., HttpResponse]


def _app_account(request: HttpRequest) -> Account | None:
    return services.app_session_account(token=request.session.get(services.SESSION_TOKEN_KEY))


def app_login_required(view: AppView) -> AppView:
    """Run ``view`` with the signed-in app account, or send the user to the app's sign-in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        account = _app_account(request)
        if account is None:
            request.session.pop(services.SESSION_TOKEN_KEY, None)
            return redirect("vneid_app:sign_in")
        return view(request, account, *args, **kwargs)

    return wrapper


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if _app_account(request) is not None:
        return redirect("vneid_app:home")
    form = SignInForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            token = services.app_sign_in(
                id_number=form.cleaned_data["so_dinh_danh"],
                passcode=form.cleaned_data["passcode"],
                request=request,
            )
        except services.AppSignInError as exc:
            error = exc.message
        else:
            # The app's own key in the session; the browser's SSO login is left untouched.
            request.session.cycle_key()
            request.session[services.SESSION_TOKEN_KEY] = token
            return redirect("vneid_app:home")
    return render(request, "vneid_app/sign_in.html", {"form": form, "error": error})


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    services.app_sign_out(token=request.session.pop(services.SESSION_TOKEN_KEY, None), request=request)
    request.session.pop(SESSION_NOTICE_KEY, None)
    return redirect("vneid_app:home")


@never_cache
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    account = _app_account(request)
    if account is None:
        return redirect("vneid_app:sign_in")
    return render(
        request,
        "vneid_app/home.html",
        {"account": account, "holder_name": services.holder_name(account)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@app_login_required
def scan(request: HttpRequest, account: Account) -> HttpResponse:
    form = ScanForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            qr = qr_services.qr_scan(payload=form.cleaned_data["payload"], account=account, request=request)
        except qr_services.QrError as exc:
            error = exc.message
        else:
            return redirect("vneid_app:request", qr_id=qr.id)
    return render(request, "vneid_app/scan.html", {"form": form, "error": error})


@never_cache
@require_http_methods(["GET", "POST"])
@app_login_required
def login_request(request: HttpRequest, account: Account, qr_id: str) -> HttpResponse:
    qr = qr_services.qr_for_app(qr_id=qr_id, account=account)
    if qr is None:
        raise Http404
    form = ApproveForm(request.POST if request.POST.get("action") == "approve" else None)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "refuse":
                qr_services.qr_refuse(qr_id=qr.id, account=account, request=request)
                request.session[SESSION_NOTICE_KEY] = "refused"
                return redirect("vneid_app:notice")
            if form.is_valid():
                qr_services.qr_approve(
                    qr_id=qr.id,
                    account=account,
                    match_code=form.cleaned_data["match_code"],
                    request=request,
                )
                request.session[SESSION_NOTICE_KEY] = "approved"
                return redirect("vneid_app:notice")
        except qr_services.QrError as exc:
            error = exc.message
        qr.refresh_from_db()
    status = qr_services.qr_effective_status(qr)
    return render(
        request,
        "vneid_app/request.html",
        {
            "qr": qr,
            "form": form,
            "error": error,
            "open": status == QrStatus.SCANNED,
            "status": status,
        },
        status=200 if not error or status == QrStatus.SCANNED else 409,
    )


@never_cache
@require_http_methods(["GET"])
@app_login_required
def notice(request: HttpRequest, account: Account) -> HttpResponse:
    kind = request.session.get(SESSION_NOTICE_KEY)
    if kind not in ("approved", "refused"):
        return redirect("vneid_app:home")
    return render(request, "vneid_app/notice.html", {"kind": kind})
