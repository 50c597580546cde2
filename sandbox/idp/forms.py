from __future__ import annotations

import re

from captcha.fields import CaptchaField
from django import forms
from django.utils.translation import gettext_lazy as _

ID_NUMBER_RE = re.compile(r"^\d{12}$")
USERNAME_RE = re.compile(r"^(\d{9}|\d{10}|\d{12}|\d{13})$")


class VneidPasswordForm(forms.Form):
    so_dinh_danh = forms.CharField(
        label=_("Số định danh cá nhân"),
        max_length=20,
        error_messages={"required": _("Số định danh cá nhân phải đúng 12 ký tự số")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "username", "placeholder": "001099012345"}
        ),
    )
    mat_khau = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Mật khẩu không được bỏ trống")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_so_dinh_danh(self) -> str:
        value: str = self.cleaned_data["so_dinh_danh"].strip()
        if not ID_NUMBER_RE.match(value):
            raise forms.ValidationError(_("Số định danh cá nhân phải đúng 12 ký tự số"))
        return value


class PortalPasswordForm(forms.Form):
    ten_dang_nhap = forms.CharField(
        label=_("Tên đăng nhập (số CMND/CCCD hoặc mã số doanh nghiệp)"),
        max_length=20,
        error_messages={"required": _("Tên đăng nhập không được bỏ trống")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    mat_khau = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        error_messages={"required": _("Mật khẩu không được bỏ trống")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    ma_xac_thuc = CaptchaField(
        label=_("Mã xác thực"),
        error_messages={"invalid": _("Mã xác thực không đúng"), "required": _("Vui lòng nhập mã xác thực")},
    )

    def clean_ten_dang_nhap(self) -> str:
        value: str = self.cleaned_data["ten_dang_nhap"].strip()
        if not USERNAME_RE.match(value):
            raise forms.ValidationError(
                _("Tên đăng nhập là số CMND (9 số), số CCCD (12 số) hoặc mã số doanh nghiệp (10 hoặc 13 số)")
            )
        return value


class OtpForm(forms.Form):
    ma_otp = forms.CharField(
        label=_("Mã OTP"),
        max_length=6,
        required=False,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}", "maxlength": "6"}
        ),
    )
