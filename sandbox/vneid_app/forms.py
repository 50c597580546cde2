"""Forms of the simulated VNeID app (format checks only; the rules live in services)."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

ID_NUMBER_MESSAGE = _("Số định danh cá nhân phải đúng 12 ký tự số")
PASSCODE_MESSAGE = _("Mật mã phải gồm đúng 6 chữ số")
MATCH_CODE_MESSAGE = _("Mã đối chiếu gồm 2 chữ số")


class SignInForm(forms.Form):
    so_dinh_danh = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=12,
        validators=[RegexValidator(r"^\d{12}$", ID_NUMBER_MESSAGE)],
        error_messages={"required": ID_NUMBER_MESSAGE, "max_length": ID_NUMBER_MESSAGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username", "pattern": r"\d{12}"}),
    )
    passcode = forms.CharField(
        label=_("Mật mã (6 chữ số)"),
        max_length=6,
        strip=False,
        validators=[RegexValidator(r"^\d{6}$", PASSCODE_MESSAGE)],
        error_messages={"required": PASSCODE_MESSAGE, "max_length": PASSCODE_MESSAGE},
        widget=forms.PasswordInput(
            attrs={"inputmode": "numeric", "autocomplete": "current-password", "pattern": r"\d{6}"}
        ),
    )

    def clean_so_dinh_danh(self) -> str:
        return str(self.cleaned_data["so_dinh_danh"]).strip()


class ScanForm(forms.Form):
    payload = forms.CharField(
        label=_("Mã QR"),
        max_length=200,
        error_messages={"required": _("Vui lòng dán mã QR hiển thị trên màn hình đăng nhập.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class ApproveForm(forms.Form):
    match_code = forms.CharField(
        label=_("Nhập mã đối chiếu đang hiển thị trên màn hình đăng nhập"),
        max_length=2,
        validators=[RegexValidator(r"^\d{2}$", MATCH_CODE_MESSAGE)],
        error_messages={"required": MATCH_CODE_MESSAGE, "max_length": MATCH_CODE_MESSAGE},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": r"\d{2}"}),
    )
