"""Statistics aggregates and satisfaction ratings.

Glossary: thống kê = statistics; đúng hạn / trễ hạn = on time / late; đang xử lý = in
progress; đánh giá mức độ hài lòng = satisfaction rating; chỉ số phục vụ = service indicator
(Decision 766/QĐ-TTg).

``DailyStat`` and ``MonthlyStat`` hold the same counters, per local day (Asia/Ho_Chi_Minh)
or per month, agency, procedure and channel. They are kept by ``counters`` from
``dossiers.signals.status_changed`` inside the transaction of each change, rebuilt and
checked by ``python -m province stats_recount``; the statistics page reads only them.
What each counter means is written in ``counters.py``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

COUNTERS: tuple[str, ...] = (
    "received",
    "open_now",
    "done_on_time",
    "done_late",
    "withdrawn",
    "not_accepted",
    "stopped",
    "rating_1",
    "rating_2",
    "rating_3",
    "rating_4",
    "rating_5",
)


class StatBase(models.Model):
    day = models.DateField()
    agency = models.ForeignKey("catalogue.Agency", on_delete=models.PROTECT, related_name="+", db_index=False)
    procedure = models.ForeignKey("catalogue.Procedure", on_delete=models.PROTECT, related_name="+")
    channel = models.PositiveSmallIntegerField()
    received = models.IntegerField(default=0)
    # Signed: a transition may be counted before a recount fixes the rows of old dossiers.
    open_now = models.IntegerField(default=0)
    done_on_time = models.IntegerField(default=0)
    done_late = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    not_accepted = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    rating_1 = models.IntegerField(default=0)
    rating_2 = models.IntegerField(default=0)
    rating_3 = models.IntegerField(default=0)
    rating_4 = models.IntegerField(default=0)
    rating_5 = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}/{self.channel}"


class DailyStat(StatBase):
    """Counters of one local day."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure", "channel"], name="stats_daily_key"),
        ]
        indexes = [models.Index(fields=["agency", "day"], name="stats_daily_agency_day")]


class MonthlyStat(StatBase):
    """The same counters per month (``day`` is the first of the month): the page reads
    these for whole months, so a year is 12 rows per agency × procedure × channel."""

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure", "channel"], name="stats_monthly_key"),
        ]
        indexes = [models.Index(fields=["agency", "day"], name="stats_monthly_agency_day")]


StatModel = type[DailyStat] | type[MonthlyStat]


class RatingLevel(models.IntegerChoices):
    """Five levels; the number is the counter column (``rating_<n>``)."""

    VERY_SATISFIED = 5, _("Rất hài lòng")
    SATISFIED = 4, _("Hài lòng")
    NEUTRAL = 3, _("Bình thường")
    DISSATISFIED = 2, _("Không hài lòng")
    VERY_DISSATISFIED = 1, _("Rất không hài lòng")


class Rating(models.Model):
    """The applicant's satisfaction with one dossier, given once after the result is returned."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating"
    )
    level = models.PositiveSmallIntegerField(_("mức độ hài lòng"), choices=RatingLevel.choices)
    comment = models.TextField(_("ý kiến"), max_length=1000, blank=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người đánh giá"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("thời gian đánh giá"))

    class Meta:
        verbose_name = _("đánh giá mức độ hài lòng")
        verbose_name_plural = _("đánh giá mức độ hài lòng")
        constraints = [
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="stats_rating_level"),
        ]
        indexes = [models.Index(fields=["created_at"], name="stats_rating_created")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.level}"
