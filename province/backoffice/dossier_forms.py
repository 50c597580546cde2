"""The inputs of the officers' dossier actions (one small form per action of
``province.dossiers.workflow.ACTIONS``); each carries the dossier's ``version``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import Agency
from province.dossiers.calendar import LOCAL_TZ

from .models import OfficerAccount, Unit


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, officer: OfficerAccount, **kwargs: Any) -> None:
        self.officer = officer
        super().__init__(*args, **kwargs)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true"})


def _reason(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=900,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Vui lòng nhập lý do.")},
    )


def _note() -> forms.CharField:
    return forms.CharField(label=_("Ghi chú"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(ActionForm):
    reason = _reason(str(_("Lý do")))


class NoteForm(ActionForm):
    note = _note()


class SupplementForm(ActionForm):
    documents = forms.CharField(
        label=_("Giấy tờ cần bổ sung (mỗi dòng một giấy tờ)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Nhập các giấy tờ cần bổ sung.")},
    )
    deadline = forms.DateField(
        label=_("Hạn bổ sung"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("Chọn hạn bổ sung."), "invalid": _("Ngày không hợp lệ.")},
    )
    note = _note()


class OfficerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.full_name} ({obj.username}, {obj.get_role_display()})"


class AssignForm(ActionForm):
    to_officer = OfficerChoiceField(label=_("Cán bộ xử lý"), queryset=OfficerAccount.objects.none(), required=False)
    to_unit = forms.ModelChoiceField(label=_("Hoặc chuyển đơn vị"), queryset=Unit.objects.none(), required=False)
    note = _note()

    def __init__(self, *args: Any, officer: OfficerAccount, **kwargs: Any) -> None:
        super().__init__(*args, officer=officer, **kwargs)
        to_officer = self.fields["to_officer"]
        to_unit = self.fields["to_unit"]
        assert isinstance(to_officer, forms.ModelChoiceField) and isinstance(to_unit, forms.ModelChoiceField)
        to_officer.queryset = (
            OfficerAccount.objects.filter(unit_id=officer.unit_id, suspended=False)
            .exclude(role="quan_tri")
            .select_related("person")
            .order_by("username")
        )
        to_unit.queryset = Unit.objects.exclude(pk=officer.unit_id).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("to_officer")) == bool(data.get("to_unit")):
            raise forms.ValidationError(_("Chọn một cán bộ hoặc một đơn vị nhận hồ sơ."))
        return data


class InterconnectForm(ActionForm):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan liên thông"),
        queryset=Agency.objects.none(),
        error_messages={"required": _("Chọn cơ quan liên thông.")},
    )
    note = _note()

    def __init__(self, *args: Any, officer: OfficerAccount, **kwargs: Any) -> None:
        super().__init__(*args, officer=officer, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.filter(backoffice_unit__isnull=False, is_active=True).exclude(
            backoffice_unit__pk=officer.unit_id
        )


class PaymentForm(ActionForm):
    amount = forms.IntegerField(
        label=_("Số tiền (đồng)"),
        min_value=1,
        max_value=10**12,
        error_messages={"required": _("Nhập số tiền."), "min_value": _("Số tiền phải lớn hơn 0.")},
    )
    note = _note()


class ExtendForm(ActionForm):
    reason = _reason(str(_("Lý do chưa trả kết quả đúng hẹn")))
    new_due = forms.DateTimeField(
        label=_("Ngày hẹn trả mới"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        error_messages={"required": _("Chọn ngày hẹn trả mới."), "invalid": _("Ngày giờ không hợp lệ.")},
    )

    def clean_new_due(self) -> dt.datetime:
        value: dt.datetime = self.cleaned_data["new_due"]
        return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value.astimezone(LOCAL_TZ)


class ResultForm(ActionForm):
    file = forms.FileField(label=_("Tệp văn bản kết quả"), error_messages={"required": _("Đính kèm văn bản kết quả.")})
    title = forms.CharField(label=_("Tên văn bản"), max_length=200)
    reference_number = forms.CharField(label=_("Số ký hiệu"), max_length=100)
    signed_by = forms.CharField(label=_("Người ký"), max_length=200)
    signed_on = forms.DateField(
        label=_("Ngày ký"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Ngày không hợp lệ.")},
    )


FORMS: dict[str, type[ActionForm]] = {
    "receive": ActionForm,
    "reject": ReasonForm,
    "request_supplement": SupplementForm,
    "assign": AssignForm,
    "interconnect": InterconnectForm,
    "request_payment": PaymentForm,
    "confirm_payment": ActionForm,
    "submit_for_approval": NoteForm,
    "send_back": ReasonForm,
    "approve": NoteForm,
    "stop": ReasonForm,
    "extend": ExtendForm,
    "return_result": ResultForm,
}


class RegisterForm(forms.Form):
    """Form 07: the period of the register."""

    tu = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    den = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu"), data.get("den")
        if start and end and (end < start or (end - start).days > 366):
            raise forms.ValidationError(_("Khoảng thời gian không hợp lệ (tối đa một năm)."))
        return data
