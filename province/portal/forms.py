"""The person's own contact details (the only fields a user may edit)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import phonenumbers
from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from province.accounts.identity_numbers import id_number_errors

_FAX_RE = re.compile(r"\+?[0-9 ().-]{6,20}")


def normalise_vn_mobile(value: str) -> str:
    """A Vietnamese mobile number in national form (0912345678), or ValidationError."""
    error = forms.ValidationError(_("Số điện thoại di động không hợp lệ (ví dụ: 0912345678)."), code="phone")
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException as exc:
        raise error from exc
    if number.country_code != 84 or not phonenumbers.is_valid_number(number):
        raise error
    if phonenumbers.number_type(number) not in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        raise error
    return "0" + str(number.national_number)


class WebsiteField(forms.URLField):
    """Web addresses only (http/https): Django's default also accepts ftp and ftps."""

    default_validators = [
        URLValidator(
            schemes=["http", "https"],
            message=_("Địa chỉ website không hợp lệ (ví dụ: https://example.vn)."),
        )
    ]


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        max_length=254,
        error_messages={"invalid": _("Địa chỉ email không hợp lệ.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify_phone = forms.CharField(
        label=_("Số điện thoại nhận thông báo"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    fax = forms.CharField(label=_("Fax"), required=False, max_length=30)
    website = WebsiteField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
        error_messages={"invalid": _("Địa chỉ website không hợp lệ (ví dụ: https://example.vn).")},
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    correspondence_address = forms.CharField(
        label=_("Địa chỉ liên hệ"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    # notification choices: how the person hears about their dossiers' status changes
    notify_sms = forms.BooleanField(label=_("Nhận thông báo hồ sơ qua SMS"), required=False)
    notify_email = forms.BooleanField(label=_("Nhận thông báo hồ sơ qua email"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.error_messages["max_length"] = _("Nội dung quá dài (tối đa %(limit_value)d ký tự).")

    def full_clean(self) -> None:
        super().full_clean()
        # tie each error message to its input for screen readers
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})

    def clean_notify_phone(self) -> str:
        value: str = self.cleaned_data["notify_phone"].strip()
        return normalise_vn_mobile(value) if value else ""

    def clean_fax(self) -> str:
        value: str = self.cleaned_data["fax"].strip()
        if value and not _FAX_RE.fullmatch(value):
            raise forms.ValidationError(_("Số fax không hợp lệ."), code="fax")
        return value


class IdNumberForm(forms.Form):
    """Seed 003: "Số CCCD", checked for structure and fit with the person's birth date and
    gender before the population registry is asked."""

    id_number = forms.CharField(
        label=_("Số CCCD"),
        max_length=12,
        error_messages={"required": _("Vui lòng nhập số CCCD.")},
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "off",
                "pattern": "[0-9]{12}",
                "maxlength": "12",
                "placeholder": _("Nhập số CCCD"),
                "aria-required": "true",
            }
        ),
    )

    def __init__(self, *args: Any, birth_date: dt.date | None = None, gender: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        self.gender = gender
        self.fields["id_number"].error_messages["max_length"] = _("Số định danh cá nhân phải đúng 12 ký tự số")

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"].strip().replace(" ", "")
        errors = id_number_errors(value, birth_date=self.birth_date, gender=self.gender)
        if errors:
            raise forms.ValidationError(errors)
        return value
