"""Writes on feedback: sending (signed in, or anonymous after phone verification) and the
officers' answer. The anonymous limit per address counts through ``province.ops.ratelimit``
(shared by every process; still enforced per process while Redis is down)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from province.accounts.models import Person
from province.accounts.services import RequestInfo, audit
from province.backoffice.models import OfficerAccount
from province.catalogue.models import Agency, Procedure
from province.ops import ratelimit
from province.stats.units import agency_ids_of_unit

from .models import Feedback

logger = logging.getLogger(__name__)


class FeedbackRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FeedbackInput:
    agency: Agency
    procedure: Procedure | None
    title: str
    content: str
    publish_consent: bool


def over_limit(key: str, *, limit: int, window: int) -> bool:
    """Count one hit of ``key`` in a fixed window; True once ``limit`` is exceeded."""
    return ratelimit.hit("feedback", key, limit=limit, window=window).limited


def anonymous_limited(client_key: str) -> bool:
    c = settings.FEEDBACK
    return over_limit(f"ip:{client_key}", limit=c["ANONYMOUS_PER_HOUR"], window=3600)


def feedback_send(
    *,
    data: FeedbackInput,
    sender: Person | None,
    sender_name: str,
    sender_phone: str,
    request_info: RequestInfo | None,
) -> Feedback:
    """Record feedback. ``sender`` is the signed-in person, or None for an anonymous sender
    whose ``sender_phone`` the caller has verified by SMS code. A signed-in person may send
    ``PERSON_PER_HOUR`` per hour."""
    if data.procedure is not None and not data.procedure.agencies.filter(pk=data.agency.pk).exists():
        raise FeedbackRefused(_("Thủ tục đã chọn không do cơ quan này giải quyết."))
    if sender is not None:
        since = timezone.now() - timedelta(hours=1)
        if (
            Feedback.objects.filter(sender=sender, created_at__gte=since).count()
            >= settings.FEEDBACK["PERSON_PER_HOUR"]
        ):
            raise FeedbackRefused(_("Bạn đã gửi quá nhiều phản ánh trong một giờ. Vui lòng thử lại sau."))
    with transaction.atomic():
        feedback = Feedback.objects.create(
            agency=data.agency,
            procedure=data.procedure,
            title=data.title.strip(),
            content=data.content.strip(),
            sender=sender,
            sender_name=sender_name.strip(),
            sender_phone=sender_phone,
            publish_consent=data.publish_consent,
        )
        audit(
            actor=sender,
            action="feedback_send",
            target=feedback,
            after={"code": feedback.code, "agency": data.agency.code, "anonymous": sender is None},
            request_info=request_info,
        )
    logger.info("feedback_sent code=%s agency=%s", feedback.code, data.agency.code)
    return feedback


def feedback_answer(
    *, feedback: Feedback, officer: OfficerAccount, answer: str, request_info: RequestInfo | None
) -> Feedback:
    """An officer of the agency's unit answers (or corrects the answer); audited with the
    text before and after."""
    answer = answer.strip()
    if not answer:
        raise FeedbackRefused(_("Nhập nội dung trả lời."))
    if len(answer) > 4000:
        raise FeedbackRefused(_("Nội dung trả lời không quá 4000 ký tự."))
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.agency_id not in agency_ids_of_unit(officer.unit):
            raise PermissionError("the officer's unit does not answer for this agency")
        before = {"state": locked.state, "answer": locked.answer}
        locked.answer = answer
        locked.state = Feedback.State.ANSWERED
        locked.answered_by = officer
        locked.answered_at = timezone.now()
        locked.save(update_fields=["answer", "state", "answered_by", "answered_at"])
        audit(
            actor=officer.person,
            action="feedback_answer",
            target=locked,
            before=before,
            after={"state": locked.state, "answer": answer, "officer": officer.username},
            request_info=request_info,
        )
    return locked
