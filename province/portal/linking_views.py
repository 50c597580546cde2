"""Pages of account linking with VNeID (seed 003): "Cập nhật số CCCD" after a legacy
sign-in, merging two accounts of one person, and "Xóa liên kết".

Merging needs both sides proven: the legacy account is signed in when the number is
claimed, and the holder of the số định danh confirms after a fresh sign-in with it.
Knowing a CCCD number, a name and a birth date proves nothing (they are printed on
paper everywhere), so the legacy side alone never gets into the other account.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from province import registry
from province.accounts import linking
from province.accounts.models import ExternalIdentity, Person
from province.accounts.services import RequestInfo
from province.sso.models import SsoSession
from province.sso.services import SESSION_AUTH_AT, safe_next

from .forms import IdNumberForm

MERGE_SALT = "province.portal.merge"
MERGE_MAX_AGE = 15 * 60


def _person(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)  # guaranteed by @login_required
    return user


def is_fresh(request: HttpRequest) -> bool:
    """Signed in at the provider within FRESH_AUTH_SECONDS."""
    auth_at = request.session.get(SESSION_AUTH_AT)
    return isinstance(auth_at, int) and time.time() - auth_at <= settings.FRESH_AUTH_SECONDS


def reauth_url(next_url: str) -> str:
    return reverse("sso:login") + "?" + urlencode({"next": next_url, "dang_nhap_lai": "1"})


def current_identity(request: HttpRequest) -> ExternalIdentity | None:
    """The national account that opened this session."""
    key = request.session.session_key
    row = SsoSession.objects.filter(session_key=key, ended_at__isnull=True).first() if key else None
    if row is None:
        return None
    return ExternalIdentity.objects.filter(issuer=row.issuer, subject=row.subject).first()


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def id_number_update(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    next_url = safe_next(request.POST.get("next") or request.GET.get("next"))
    if person.id_number:
        messages.info(request, _("Tài khoản của bạn đã có số định danh cá nhân."))
        return HttpResponseRedirect(next_url)
    if request.method == "POST" and request.POST.get("action") == "skip":
        return HttpResponseRedirect(next_url)
    form = IdNumberForm(request.POST or None, birth_date=person.birth_date, gender=person.gender)
    status = 200
    if request.method == "POST" and form.is_valid():
        id_number = form.cleaned_data["id_number"]
        try:
            outcome = linking.update_id_number_from_registry(
                person=person, id_number=id_number, request_info=RequestInfo.from_request(request)
            )
        except registry.RegistryUnavailable:
            form.add_error(None, _("Hệ thống CSDL quốc gia về Dân cư đang gián đoạn, vui lòng thử lại sau."))
            status = 503
        else:
            if outcome.status is linking.UpdateStatus.UPDATED:
                messages.success(request, _("Đã cập nhật số CCCD từ Cơ sở dữ liệu quốc gia về Dân cư."))
                return HttpResponseRedirect(next_url)
            if outcome.status is linking.UpdateStatus.CONFLICT and outcome.other is not None:
                token = signing.dumps({"s": person.pk, "t": outcome.other.pk}, salt=MERGE_SALT)
                merge_url = reverse("portal:merge") + "?" + urlencode({"t": token})
                return render(
                    request,
                    "portal/merge_offer.html",
                    {"id_number": id_number, "signin_url": reauth_url(merge_url), "next": next_url},
                    status=409,
                )
            form.add_error(
                None,
                _(
                    "Thông tin không khớp với Cơ sở dữ liệu quốc gia về Dân cư: số CCCD, họ tên và ngày sinh "
                    "phải trùng với thông tin đã đăng ký. Tài khoản chưa được cập nhật."
                ),
            )
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "portal/id_number_update.html",
        {"person": person, "form": form, "next": next_url},
        status=status,
    )


def _merge_token(request: HttpRequest) -> dict[str, int]:
    try:
        data: Any = signing.loads(request.GET.get("t", ""), salt=MERGE_SALT, max_age=MERGE_MAX_AGE)
    except signing.BadSignature as exc:
        raise Http404 from exc
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("t"), int):
        raise Http404
    return {"s": data["s"], "t": data["t"]}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest) -> HttpResponse:
    """Step 2 of a merge, as the holder of the số định danh (freshly signed in)."""
    person = _person(request)
    token = _merge_token(request)
    source = Person.objects.filter(pk=token["s"], is_active=True, id_number__isnull=True).first()
    if source is None:
        messages.info(request, _("Tài khoản này đã được hợp nhất hoặc không còn cần hợp nhất."))
        return redirect("portal:account")
    if person.pk == source.pk:
        # still signed in with the legacy account: the number's holder must sign in
        return render(request, "portal/merge_offer.html", {"signin_url": reauth_url(request.get_full_path())})
    if person.pk != token["t"]:
        return render(request, "portal/merge_wrong_account.html", status=403)
    if not is_fresh(request):
        return HttpResponseRedirect(reauth_url(request.get_full_path()))
    if request.method == "POST":
        linking.merge_persons(
            source=source, target=person, actor=person, request_info=RequestInfo.from_request(request)
        )
        messages.success(
            request,
            _("Đã hợp nhất tài khoản. Hồ sơ và dữ liệu của tài khoản CMND nay thuộc tài khoản của bạn."),
        )
        return redirect("portal:account")
    return render(request, "portal/merge_confirm.html", {"source": source})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def unlink(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    identity = ExternalIdentity.objects.filter(pk=pk, person=person).select_related("organisation").first()
    if identity is None:
        raise Http404
    current = current_identity(request)
    in_use = current is not None and current.pk == identity.pk
    if not in_use and not is_fresh(request):
        return HttpResponseRedirect(reauth_url(request.path))
    if request.method == "POST" and not in_use:
        linking.unlink_identity(
            person=person,
            identity=identity,
            current_identity_id=current.pk if current else None,
            request_info=RequestInfo.from_request(request),
        )
        messages.success(request, _("Đã xóa liên kết tài khoản. Dữ liệu của bạn vẫn được giữ nguyên."))
        return redirect("portal:account")
    return render(
        request,
        "portal/unlink_confirm.html",
        {"identity": identity, "kind": linking.identity_kind(identity), "in_use": in_use},
        status=409 if in_use and request.method == "POST" else 200,
    )
