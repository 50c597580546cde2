from __future__ import annotations

from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import Agency, Procedure
from province.notify.sms import InvalidPhoneNumber, normalise_phone


class FeedbackForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Cơ quan được phản ánh"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        empty_label=_("— Chọn cơ quan —"),
        error_messages={
            "required": _("Chọn cơ quan được phản ánh."),
            "invalid_choice": _("Cơ quan không có trong danh mục."),
        },
    )
    procedure_code = forms.CharField(
        label=_("Mã thủ tục (nếu phản ánh về một thủ tục)"),
        required=False,
        max_length=12,
        help_text=_("Ví dụ 1.001193; xem mã tại Bộ thủ tục."),
    )
    title = forms.CharField(
        label=_("Tiêu đề"),
        max_length=200,
        error_messages={"required": _("Nhập tiêu đề."), "max_length": _("Tiêu đề không quá 200 ký tự.")},
    )
    content = forms.CharField(
        label=_("Nội dung phản ánh, kiến nghị"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Nhập nội dung."), "max_length": _("Nội dung không quá 4000 ký tự.")},
    )
    publish_consent = forms.BooleanField(
        label=_("Tôi đồng ý công khai phản ánh và câu trả lời (họ tên và số điện thoại được che)"),
        required=False,
    )

    def clean_procedure_code(self) -> Procedure | None:
        code = self.cleaned_data.get("procedure_code", "").strip()
        if not code:
            return None
        procedure = Procedure.objects.filter(code=code, is_active=True).first()
        if procedure is None:
            raise forms.ValidationError(_("Không tìm thấy thủ tục có mã này."))
        return procedure

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        procedure = data.get("procedure_code")
        agency = data.get("agency")
        if procedure is not None and agency is not None and not procedure.agencies.filter(pk=agency.pk).exists():
            self.add_error("procedure_code", _("Thủ tục này không do cơ quan đã chọn giải quyết."))
        return data


class AnonymousFeedbackForm(FeedbackForm):
    sender_name = forms.CharField(
        label=_("Họ tên"),
        max_length=200,
        error_messages={"required": _("Nhập họ tên.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Số điện thoại di động (nhận mã xác thực)"),
        max_length=20,
        error_messages={"required": _("Nhập số điện thoại.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    captcha = CaptchaField(
        label=_("Mã xác thực (chữ trong ảnh)"),
        widget=CaptchaTextInput(attrs={"autocomplete": "off"}),
        error_messages={"invalid": _("Mã xác thực không đúng."), "required": _("Nhập mã xác thực trong ảnh.")},
    )

    def clean_phone(self) -> str:
        try:
            return normalise_phone(self.cleaned_data.get("phone", ""))
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(_("Số điện thoại di động không hợp lệ.")) from exc


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác thực đã gửi qua SMS"),
        max_length=6,
        min_length=6,
        error_messages={"required": _("Nhập mã xác thực."), "min_length": _("Mã gồm 6 chữ số.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Nội dung trả lời"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Nhập nội dung trả lời."), "max_length": _("Không quá 4000 ký tự.")},
    )
