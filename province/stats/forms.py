from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import Agency, Field, Level
from province.dossiers.calendar import LOCAL_TZ

from .models import RatingLevel
from .selectors import Filters

MAX_DAYS = 5 * 366
_CHOICE = {"invalid_choice": _("Giá trị không hợp lệ, hãy chọn trong danh sách.")}


class PeriodKind:
    YEAR = "nam"
    QUARTER = "quy"
    MONTH = "thang"
    RANGE = "khoang"
    CHOICES = [
        (YEAR, _("Năm")),
        (QUARTER, _("Quý")),
        (MONTH, _("Tháng")),
        (RANGE, _("Khoảng ngày")),
    ]


def today() -> dt.date:
    return timezone.now().astimezone(LOCAL_TZ).date()


class StatsFilterForm(forms.Form):
    """The page's filters; every field is optional and defaults to this year, all agencies."""

    ky = forms.ChoiceField(label=_("Kỳ thống kê"), choices=PeriodKind.CHOICES, required=False, error_messages=_CHOICE)
    nam = forms.IntegerField(
        label=_("Năm"),
        min_value=2000,
        max_value=2100,
        required=False,
        error_messages={
            "invalid": _("Năm phải là số từ 2000 đến 2100."),
            "min_value": _("Năm phải là số từ 2000 đến 2100."),
            "max_value": _("Năm phải là số từ 2000 đến 2100."),
        },
    )
    quy = forms.TypedChoiceField(
        label=_("Quý"),
        choices=[(i, f"{i}") for i in range(1, 5)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages=_CHOICE,
    )
    thang = forms.TypedChoiceField(
        label=_("Tháng"),
        choices=[(i, f"{i}") for i in range(1, 13)],
        coerce=int,
        required=False,
        empty_value=None,
        error_messages=_CHOICE,
    )
    tu = forms.DateField(
        label=_("Từ ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    den = forms.DateField(
        label=_("Đến ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )
    co_quan = forms.ModelChoiceField(
        label=_("Cơ quan"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Cơ quan không có trong danh mục.")},
    )
    linh_vuc = forms.ModelChoiceField(
        label=_("Lĩnh vực"),
        queryset=Field.objects.order_by("name"),
        required=False,
        empty_label=_("Tất cả"),
        error_messages={"invalid_choice": _("Lĩnh vực không có trong danh mục.")},
    )
    cap = forms.ChoiceField(
        label=_("Cấp thực hiện"), choices=[("", _("Tất cả")), *Level.choices], required=False, error_messages=_CHOICE
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("ky") or PeriodKind.YEAR
        data["ky"] = kind
        year = data.get("nam") or today().year
        data["nam"] = year
        if kind == PeriodKind.YEAR:
            start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        elif kind == PeriodKind.QUARTER:
            quarter = data.get("quy") or (today().month - 1) // 3 + 1
            data["quy"] = quarter
            start = dt.date(year, 3 * quarter - 2, 1)
            end = _last_day(dt.date(year, 3 * quarter, 1))
        elif kind == PeriodKind.MONTH:
            month = data.get("thang") or today().month
            data["thang"] = month
            start = dt.date(year, month, 1)
            end = _last_day(start)
        else:
            first: dt.date | None = data.get("tu")
            last: dt.date | None = data.get("den")
            if first is None or last is None:
                raise forms.ValidationError(_("Chọn cả ngày bắt đầu và ngày kết thúc."))
            start, end = first, last
            if start > end:
                raise forms.ValidationError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Khoảng thống kê không quá 5 năm."))
        data["start"], data["end"] = start, end
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        agency = data.get("co_quan")
        field = data.get("linh_vuc")
        return Filters(
            start=data["start"],
            end=data["end"],
            agency_id=agency.pk if agency else None,
            field_id=field.pk if field else None,
            level=data.get("cap") or None,
        )


def _last_day(first: dt.date) -> dt.date:
    return (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def default_filters() -> Filters:
    year = today().year
    return Filters(start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        choices=RatingLevel.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Hãy chọn một mức độ hài lòng.")},
    )
    comment = forms.CharField(
        label=_("Ý kiến (không bắt buộc)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
