"""Forms of registration, password reset and the CCCD update; the rules live in ``services``."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from captcha.fields import CaptchaField, CaptchaTextInput
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sandbox.idp.forms import USERNAME_RE
from sandbox.idp.models import Account
from sandbox.sms.phones import InvalidPhoneNumber, normalise_phone

from . import services

NUMBER_RE = re.compile(r"[0-9]{9}|[0-9]{12}")  # ASCII digits only
ID_NUMBER_RE = re.compile(r"[0-9]{12}")
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]  # typed, or sent by a native date picker
EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)


def captcha_field() -> CaptchaField:
    # The widget is a MultiWidget, which Django does not describe by its hint and error.
    described = "id_ma_xac_thuc_helptext id_ma_xac_thuc_error"
    return CaptchaField(
        label=_("Mã xác thực"),
        widget=CaptchaTextInput(attrs={"aria-describedby": described}),
        error_messages={"invalid": _("Mã xác thực không đúng"), "required": _("Vui lòng nhập mã xác thực")},
    )


class RegistrationForm(forms.Form):
    so_giay_to = forms.CharField(
        label=_("Số CMND/CCCD"),
        max_length=20,
        help_text=_("CMND 9 số hoặc CCCD 12 số; đây sẽ là tên đăng nhập của bạn."),
        error_messages={"required": _("Số CMND/CCCD không được bỏ trống")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    ho_ten = forms.CharField(
        label=_("Họ tên"),
        max_length=100,
        error_messages={
            "required": _("Họ tên không được bỏ trống"),
            "max_length": _("Họ tên không được dài quá 100 ký tự"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    ngay_sinh = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=DATE_FORMATS,
        help_text=_("Theo dạng ngày/tháng/năm, ví dụ 12/05/1999."),
        error_messages={
            "required": _("Ngày sinh không được bỏ trống"),
            "invalid": _("Ngày sinh không hợp lệ (nhập theo dạng ngày/tháng/năm, ví dụ 12/05/1999)"),
        },
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"autocomplete": "bday", "placeholder": "dd/mm/yyyy"}),
    )
    so_dien_thoai = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        help_text=_("Số thuê bao di động đăng ký chính chủ, mã xác thực sẽ được gửi đến số này."),
        error_messages={"required": _("Số điện thoại không được bỏ trống")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email (nếu có)"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Email không hợp lệ")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    ma_xac_thuc = captcha_field()

    def clean_so_giay_to(self) -> str:
        value: str = self.cleaned_data["so_giay_to"].strip()
        if not NUMBER_RE.fullmatch(value):
            raise forms.ValidationError(_("Số CMND/CCCD phải gồm 9 hoặc 12 chữ số"))
        return value

    def clean_ho_ten(self) -> str:
        value = " ".join(unicodedata.normalize("NFC", self.cleaned_data["ho_ten"]).split())
        if not value:
            raise forms.ValidationError(_("Họ tên không được bỏ trống"))
        if not all(c.isalpha() or c == " " for c in value):
            raise forms.ValidationError(_("Họ tên chỉ được gồm chữ cái và dấu cách"))
        return value.upper()

    def clean_ngay_sinh(self) -> dt.date:
        value: dt.date = self.cleaned_data["ngay_sinh"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("Ngày sinh không được sau ngày hôm nay"))
        if value < EARLIEST_BIRTH_DATE:
            raise forms.ValidationError(_("Ngày sinh không hợp lệ"))
        return value

    def clean_so_dien_thoai(self) -> str:
        try:
            return normalise_phone(self.cleaned_data["so_dien_thoai"])
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(
                _("Số điện thoại không hợp lệ (số di động Việt Nam gồm 10 chữ số, ví dụ 0912345678)")
            ) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number, birth_date = cleaned.get("so_giay_to"), cleaned.get("ngay_sinh")
        if number and birth_date:
            for problem in services.number_problems(number, birth_date):
                self.add_error("so_giay_to", problem)
        return cleaned

    def registration(self) -> services.Registration:
        data = self.cleaned_data
        return services.Registration(
            number=data["so_giay_to"],
            full_name=data["ho_ten"],
            birth_date=data["ngay_sinh"],
            phone=data["so_dien_thoai"],
            email=data.get("email") or "",
        )


class NewPasswordForm(forms.Form):
    mat_khau = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=services.MAX_PASSWORD_LENGTH,
        help_text=_("Từ 8 ký tự trở lên, gồm chữ thường, chữ in hoa, chữ số và ký tự đặc biệt."),
        error_messages={"required": _("Mật khẩu không được bỏ trống")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    xac_nhan_mat_khau = forms.CharField(
        label=_("Xác nhận mật khẩu"),
        strip=False,
        max_length=services.MAX_PASSWORD_LENGTH,
        error_messages={"required": _("Vui lòng nhập lại mật khẩu")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, account: Account, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password, confirmation = cleaned.get("mat_khau"), cleaned.get("xac_nhan_mat_khau")
        if password:
            for problem in services.password_problems(password, account=self.account):
                self.add_error("mat_khau", problem)
        if password and confirmation is not None and password != confirmation:
            self.add_error("xac_nhan_mat_khau", _("Mật khẩu xác nhận không khớp"))
        return cleaned


class ResetForm(forms.Form):
    ten_dang_nhap = forms.CharField(
        label=_("Tên đăng nhập (số CMND/CCCD hoặc mã số doanh nghiệp)"),
        max_length=20,
        error_messages={"required": _("Tên đăng nhập không được bỏ trống")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "username"}),
    )
    ma_xac_thuc = captcha_field()

    def clean_ten_dang_nhap(self) -> str:
        value: str = self.cleaned_data["ten_dang_nhap"].strip()
        if not USERNAME_RE.match(value):
            raise forms.ValidationError(
                _("Tên đăng nhập là số CMND (9 số), số CCCD (12 số) hoặc mã số doanh nghiệp (10 hoặc 13 số)")
            )
        return value


class IdentityUpdateForm(forms.Form):
    so_cccd = forms.CharField(
        label=_("Số CCCD"),
        max_length=20,
        help_text=_("Số định danh cá nhân 12 số in trên thẻ Căn cước công dân."),
        error_messages={"required": _("Số định danh cá nhân phải đúng 12 ký tự số")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "placeholder": _("Nhập số CCCD")}),
    )

    def clean_so_cccd(self) -> str:
        value: str = self.cleaned_data["so_cccd"].strip()
        if not ID_NUMBER_RE.fullmatch(value):
            raise forms.ValidationError(_("Số định danh cá nhân phải đúng 12 ký tự số"))
        return value
