"""Portal pages: home, login, the person's account, login history, context switch."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from province.accounts import linking, selectors, services
from province.accounts.models import Person
from province.sso.services import SESSION_ACTING_ORG, acting_organisation_id, safe_next

from .forms import ContactForm
from .linking_views import current_identity

LOGIN_HISTORY_PAGE_SIZE = 20


def _person(request: HttpRequest) -> Person:
    user = request.user
    assert isinstance(user, Person)  # guaranteed by @login_required
    return user


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_GET
def login_page(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request.GET.get("next"))
    if request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    return render(request, "portal/login.html", {"next": next_url})


@login_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    org_id = acting_organisation_id(request)
    organisation = selectors.represented_organisation(person=person, organisation_id=org_id) if org_id else None
    current = current_identity(request)
    current_id = current.pk if current else None
    return render(
        request,
        "portal/account.html",
        {
            "person": person,
            "organisation": organisation,
            "account_kind": services.account_kind_label(organisation),
            "identities": [
                {"identity": identity, "kind": linking.identity_kind(identity), "current": identity.pk == current_id}
                for identity in selectors.person_identities(person=person)
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HttpRequest) -> HttpResponse:
    person = _person(request)
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            services.person_update_contact(
                person=person,
                data=form.cleaned_data,
                request_info=services.RequestInfo.from_request(request),
            )
            messages.success(request, _("Đã cập nhật thông tin liên hệ."))
            return redirect("portal:account")
    else:
        form = ContactForm(initial={name: getattr(person, name) for name in Person.EDITABLE_FIELDS})
    return render(request, "portal/account_edit.html", {"person": person, "form": form})


@login_required
@require_GET
def login_history(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.person_login_events(person=_person(request)), LOGIN_HISTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("trang"))
    return render(request, "portal/login_history.html", {"page": page})


@login_required
@require_POST
def switch_account(request: HttpRequest) -> HttpResponse:
    """Act as the person ("Tài khoản công dân") or as a business they represent."""
    person = _person(request)
    current_id = acting_organisation_id(request)
    current = selectors.represented_organisation(person=person, organisation_id=current_id) if current_id else None
    raw = request.POST.get("organisation", "")
    target = None
    if raw:
        target = selectors.represented_organisation(person=person, organisation_id=int(raw) if raw.isdigit() else 0)
        if target is None:
            messages.error(request, _("Bạn không phải người đại diện của doanh nghiệp này."))
            return redirect("portal:account")
    services.acting_context_switch(
        person=person,
        from_organisation=current,
        to_organisation=target,
        request_info=services.RequestInfo.from_request(request),
    )
    request.session[SESSION_ACTING_ORG] = (
        {"id": target.pk, "code": target.business_code, "name": target.name} if target else None
    )
    messages.success(
        request,
        _("Đang làm việc với tài khoản doanh nghiệp %(name)s.") % {"name": target.name}
        if target
        else _("Đang làm việc với tài khoản công dân."),
    )
    return redirect("portal:account")


@require_POST
def keepalive(request: HttpRequest) -> JsonResponse:
    """Pinged by session.js ("Tiếp tục làm việc"); the middleware has moved the idle clock."""
    if not request.user.is_authenticated:
        return JsonResponse({"active": False}, status=401)
    return JsonResponse({"active": True, "idle_seconds": settings.SESSION_IDLE_SECONDS})
