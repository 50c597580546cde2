from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from province.accounts.models import Person
from province.accounts.services import RequestInfo
from province.backoffice.access import officer_of, officer_required
from province.catalogue.models import Agency, Procedure
from province.notify.sms import mask_phone

from . import otp, selectors, services
from .forms import AnonymousFeedbackForm, AnswerForm, CodeForm, FeedbackForm
from .models import Feedback, PhoneChallenge

PENDING = "feedback_pending"
PAGE_SIZE = 20


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Answered feedback whose sender agreed to publish it, with initials and a masked phone."""
    page = Paginator(selectors.published(), PAGE_SIZE).get_page(request.GET.get("trang"))
    items = [
        {
            "feedback": f,
            "initials": selectors.initials(f.sender_name),
            "phone": selectors.masked_phone(f.sender_phone),
        }
        for f in page.object_list
    ]
    return render(request, "feedback/index.html", {"page": page, "items": items})


def _input(data: dict[str, Any]) -> services.FeedbackInput:
    return services.FeedbackInput(
        agency=data["agency"],
        procedure=data.get("procedure_code"),
        title=data["title"],
        content=data["content"],
        publish_consent=bool(data.get("publish_consent")),
    )


@require_http_methods(["GET", "POST"])
def send(request: HttpRequest) -> HttpResponse:
    """Signed in: sent at once. Anonymous: name, phone and captcha, then an SMS code."""
    person = request.user if isinstance(request.user, Person) else None
    form_class = FeedbackForm if person is not None else AnonymousFeedbackForm
    form = form_class(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        info = RequestInfo.from_request(request)
        if person is not None:
            try:
                feedback = services.feedback_send(
                    data=_input(data),
                    sender=person,
                    sender_name=person.full_name,
                    sender_phone=person.phone or "",
                    request_info=info,
                )
            except services.FeedbackRefused as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                messages.success(request, _("Đã gửi phản ánh %(code)s.") % {"code": feedback.code})
                return redirect("feedback:own")
        elif services.anonymous_limited(request.META.get("REMOTE_ADDR", "")):
            form.add_error(None, _("Bạn đã gửi quá nhiều phản ánh. Vui lòng thử lại sau một giờ."))
            status = 429
        else:
            try:
                challenge = otp.start(phone=data["phone"])
            except otp.OtpError as exc:
                form.add_error(None, exc.message)
                status = 429
            else:
                procedure = data.get("procedure_code")
                request.session[PENDING] = {
                    "challenge": challenge.id,
                    "agency": data["agency"].pk,
                    "procedure": procedure.pk if procedure else None,
                    "title": data["title"],
                    "content": data["content"],
                    "publish_consent": bool(data.get("publish_consent")),
                    "sender_name": data["sender_name"],
                    "phone": data["phone"],
                }
                return redirect("feedback:verify")
    return render(request, "feedback/send.html", {"form": form, "anonymous": person is None}, status=status)


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING)
    return pending if isinstance(pending, dict) and pending.get("challenge") else None


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("feedback:send")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            otp.verify(challenge_id=pending["challenge"], code=form.cleaned_data["code"])
        except otp.OtpError as exc:
            if exc.void:
                request.session.pop(PENDING, None)
                messages.error(request, exc.message)
                return redirect("feedback:send")
            form.add_error("code", exc.message)
        else:
            agency = Agency.objects.filter(pk=pending["agency"]).first()
            if agency is None:
                request.session.pop(PENDING, None)
                raise Http404
            procedure = Procedure.objects.filter(pk=pending["procedure"]).first() if pending["procedure"] else None
            try:
                feedback = services.feedback_send(
                    data=services.FeedbackInput(
                        agency=agency,
                        procedure=procedure,
                        title=pending["title"],
                        content=pending["content"],
                        publish_consent=pending["publish_consent"],
                    ),
                    sender=None,
                    sender_name=pending["sender_name"],
                    sender_phone=pending["phone"],
                    request_info=RequestInfo.from_request(request),
                )
            except services.FeedbackRefused as exc:
                request.session.pop(PENDING, None)
                messages.error(request, exc.message)
                return redirect("feedback:send")
            request.session.pop(PENDING, None)
            messages.success(
                request,
                _("Đã gửi phản ánh %(code)s. Hãy lưu địa chỉ trang này để xem câu trả lời.") % {"code": feedback.code},
            )
            return redirect("feedback:mine", token=feedback.access_token)
    challenge = PhoneChallenge.objects.filter(id=pending["challenge"]).first()
    return render(
        request,
        "feedback/verify.html",
        {
            "form": form,
            "phone": mask_phone(pending["phone"]),
            "resend_wait": otp.resend_wait(challenge) if challenge else 0,
        },
    )


@require_POST
def resend(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return redirect("feedback:send")
    try:
        otp.resend(challenge_id=pending["challenge"])
    except otp.OtpError as exc:
        messages.error(request, exc.message)
        if exc.void:
            request.session.pop(PENDING, None)
            return redirect("feedback:send")
    else:
        messages.success(request, _("Đã gửi lại mã xác thực."))
    return redirect("feedback:verify")


@require_GET
def mine(request: HttpRequest, token: str) -> HttpResponse:
    """An anonymous sender's own feedback, by the unguessable link given after sending."""
    feedback = Feedback.objects.select_related("agency", "procedure").filter(access_token=token).first()
    if feedback is None:
        raise Http404
    response = render(request, "feedback/detail.html", {"feedback": feedback, "own": True})
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_GET
def own(request: HttpRequest) -> HttpResponse:
    person = request.user
    assert isinstance(person, Person)
    page = Paginator(selectors.own(person), PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(request, "feedback/own.html", {"page": page})


# --- back office (/motcua/phan-anh/) ------------------------------------------------------


@officer_required
@require_GET
def officer_list(request: HttpRequest) -> HttpResponse:
    account = officer_of(request)
    rows = selectors.for_officer(account)
    state = request.GET.get("trang_thai", "")
    if state in Feedback.State.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "feedback/officer_list.html",
        {"officer": account, "page": page, "state": state, "states": Feedback.State.choices},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def officer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = officer_of(request)
    feedback = selectors.for_officer(account).filter(pk=pk).first()
    if feedback is None:
        raise Http404
    form = AnswerForm(request.POST or None, initial={"answer": feedback.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(
                feedback=feedback,
                officer=account,
                answer=form.cleaned_data["answer"],
                request_info=RequestInfo.from_request(request),
            )
        except services.FeedbackRefused as exc:
            form.add_error("answer", exc.message)
        else:
            messages.success(request, _("Đã lưu câu trả lời."))
            return redirect(reverse("feedback:officer_detail", kwargs={"pk": feedback.pk}))
    return render(request, "feedback/officer_detail.html", {"officer": account, "feedback": feedback, "form": form})
