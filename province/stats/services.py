"""Writes of the stats app: the satisfaction rating (the aggregates are kept by ``counters``)."""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from province.accounts.models import Person
from province.accounts.services import RequestInfo, audit
from province.dossiers.models import Dossier, Status

from . import counters
from .models import Rating, RatingLevel

logger = logging.getLogger(__name__)

RATEABLE = frozenset({Status.RETURNED})
COMMENT_MAX = 1000


class RatingRefused(Exception):
    """The rating cannot be recorded; ``message`` is shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def rating_create(
    *, dossier: Dossier, person: Person, level: int, comment: str, request_info: RequestInfo | None
) -> Rating:
    """Record the applicant's rating of a dossier whose result was returned (status 10), once
    per dossier (a unique constraint backs the check under concurrency), count it in the
    statistics and write the audit row, all in one transaction. The caller has already
    checked that ``person`` may act on the dossier (its owner or a member of its business)."""
    if level not in RatingLevel.values:
        raise RatingRefused(_("Hãy chọn một mức độ hài lòng."))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise RatingRefused(_("Ý kiến không quá %(n)d ký tự.") % {"n": COMMENT_MAX})
    if dossier.status not in RATEABLE:
        raise RatingRefused(_("Chỉ đánh giá được hồ sơ đã trả kết quả."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier, level=level, comment=comment, person=person, created_at=timezone.now()
            )
            counters.count_rating(rating)
            audit(
                actor=person,
                action="dossier_rate",
                target=rating,
                after={"dossier": dossier.code, "level": level},
                organisation=dossier.organisation,
                request_info=request_info,
            )
    except IntegrityError as exc:
        raise RatingRefused(_("Hồ sơ này đã được đánh giá.")) from exc
    logger.info("dossier_rated dossier=%s level=%s", dossier.pk, level)
    return rating
