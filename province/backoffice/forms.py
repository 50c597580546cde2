"""Forms of the back office: thin, validation only (services do the writes)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from province.accounts.identity_numbers import id_number_errors
from province.accounts.models import Gender
from province.notify.sms import InvalidPhoneNumber, normalise_phone

from . import images, selectors
from .models import DefaultPage, OfficerAccount, OfficerProfile, Role, Unit

_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
_USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,59}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _required(label: str) -> dict[str, str]:
    return {"required": str(_("Vui lòng nhập %(field)s.")) % {"field": label}}


def _phone(value: str) -> str:
    try:
        return normalise_phone(value)
    except InvalidPhoneNumber as exc:
        raise forms.ValidationError(_("Số điện thoại di động Việt Nam không hợp lệ."), code="phone") from exc


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=60,
        error_messages={"required": _("Tên đăng nhập không được bỏ trống")},
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Mật khẩu"),
        max_length=200,
        strip=False,
        error_messages={"required": _("Mật khẩu không được bỏ trống")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class OtpForm(forms.Form):
    code = forms.CharField(
        label=_("Mã OTP"),
        max_length=6,
        error_messages={"required": _("Vui lòng nhập mã OTP")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]{6}"}),
    )


class ProfileForm(forms.Form):
    """ "Cập nhật thông tin cá nhân" (seeds 000 and 004). Required fields carry *."""

    full_name = forms.CharField(label=_("Họ tên"), max_length=200, error_messages=_required("họ tên"))
    card_name = forms.CharField(label=_("Họ tên trên thẻ CCCD"), max_length=200, required=False)
    gender = forms.ChoiceField(
        label=_("Giới tính"),
        choices=Gender.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn giới tính.")},
    )
    address = forms.CharField(label=_("Địa chỉ"), max_length=500, required=False)
    birth_date = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=_DATE_FORMATS,
        widget=DateInput(),
        error_messages={**_required("ngày sinh"), "invalid": _("Ngày sinh không hợp lệ.")},
    )
    email = forms.EmailField(
        label=_("Email"), required=False, error_messages={"invalid": _("Địa chỉ email không hợp lệ.")}
    )
    avatar = forms.FileField(
        label=_("Ảnh đại diện"),
        required=False,
        help_text=_("JPEG hoặc PNG, tối đa 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    id_number = forms.CharField(
        label=_("Số CCCD (12 số)"),
        max_length=12,
        help_text=_("Nhập theo số căn cước công dân đã được phân quyền trên hệ thống chứng thực nếu có."),
        error_messages=_required("số CCCD"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    id_issued_on = forms.DateField(
        label=_("Ngày cấp"),
        required=False,
        input_formats=_DATE_FORMATS,
        widget=DateInput(),
        error_messages={"invalid": _("Ngày cấp không hợp lệ.")},
    )
    id_issued_by = forms.CharField(label=_("Nơi cấp"), max_length=200, required=False)
    permanent_address = forms.CharField(label=_("Địa chỉ thường trú"), max_length=500, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=20,
        error_messages=_required("số điện thoại"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    signature = forms.FileField(
        label=_("Ảnh chữ ký"),
        required=False,
        help_text=_("JPEG hoặc PNG, tối đa 2 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )
    signing_phone = forms.CharField(
        label=_("Số điện thoại ký số"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )
    receipt_username = forms.CharField(label=_("Tài khoản liên kết biên lai/hóa đơn"), max_length=100, required=False)
    receipt_password = forms.CharField(
        label=_("Mật khẩu liên kết biên lai/hóa đơn"),
        max_length=200,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    default_page = forms.ChoiceField(label=_("Trang mặc định"), choices=DefaultPage.choices, required=False)

    def __init__(self, *args: Any, profile: OfficerProfile | None, account: OfficerAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.profile = profile
        self.account = account
        if account.receipt_password_encrypted:
            self.fields["receipt_password"].help_text = _("Đã lưu — để trống nếu không đổi")

    def clean_default_page(self) -> str:
        return str(self.cleaned_data.get("default_page") or DefaultPage.HOME)

    def clean_birth_date(self) -> dt.date:
        value: dt.date = self.cleaned_data["birth_date"]
        if value > timezone.localdate() or value.year < 1900:
            raise forms.ValidationError(_("Ngày sinh không hợp lệ."), code="range")
        return value

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"].strip()
        errors = id_number_errors(value)
        if errors:
            raise forms.ValidationError(errors)
        taken = OfficerProfile.objects.filter(id_number=value)
        if self.profile is not None:
            taken = taken.exclude(pk=self.profile.pk)
        if taken.exists():
            raise forms.ValidationError(_("Số CCCD này đã được dùng cho một cán bộ khác."), code="unique")
        return value

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_signing_phone(self) -> str:
        value = self.cleaned_data["signing_phone"].strip()
        return _phone(value) if value else ""

    def clean_avatar(self) -> Any:
        upload = self.cleaned_data.get("avatar")
        return images.clean_image(upload) if isinstance(upload, UploadedFile) else None

    def clean_signature(self) -> Any:
        upload = self.cleaned_data.get("signature")
        return images.clean_image(upload) if isinstance(upload, UploadedFile) else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        id_number = data.get("id_number")
        if id_number:
            for message in id_number_errors(
                id_number, birth_date=data.get("birth_date"), gender=data.get("gender", "")
            ):
                self.add_error("id_number", message)
        issued = data.get("id_issued_on")
        if issued and (issued > timezone.localdate() or (data.get("birth_date") and issued < data["birth_date"])):
            self.add_error("id_issued_on", _("Ngày cấp không hợp lệ."))
        return data


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=40, error_messages=_required("mã đơn vị"))
    name = forms.CharField(label=_("Tên đơn vị"), max_length=300, error_messages=_required("tên đơn vị"))
    kind = forms.ChoiceField(label=_("Loại đơn vị"), choices=Unit.Kind.choices)
    parent = forms.ModelChoiceField(
        label=_("Đơn vị cấp trên"),
        queryset=Unit.objects.none(),
        error_messages={"required": _("Vui lòng chọn đơn vị cấp trên."), "invalid_choice": _("Đơn vị không hợp lệ.")},
    )

    def __init__(self, *args: Any, admin: OfficerAccount, unit: Unit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit = unit
        ids = selectors.managed_unit_ids(admin)
        if unit is not None:
            ids -= selectors.unit_subtree_ids(unit)
        self.fields["parent"].queryset = Unit.objects.filter(pk__in=ids).order_by("name")  # type: ignore[attr-defined]
        if unit is not None and unit.pk == admin.unit_id:
            self.fields["parent"].required = False
            self.fields["parent"].disabled = True

    def clean_code(self) -> str:
        value: str = self.cleaned_data["code"].strip()
        taken = Unit.objects.filter(code=value)
        if self.unit is not None:
            taken = taken.exclude(pk=self.unit.pk)
        if taken.exists():
            raise forms.ValidationError(_("Mã đơn vị đã tồn tại."), code="unique")
        return value


class AccountCreateForm(forms.Form):
    username = forms.CharField(label=_("Tên đăng nhập"), max_length=60, error_messages=_required("tên đăng nhập"))
    password = forms.CharField(
        label=_("Mật khẩu ban đầu"),
        strip=False,
        min_length=8,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={**_required("mật khẩu"), "min_length": _("Mật khẩu phải có ít nhất 8 ký tự.")},
    )
    full_name = forms.CharField(label=_("Họ tên"), max_length=200, error_messages=_required("họ tên"))
    phone = forms.CharField(label=_("Số điện thoại nhận OTP"), max_length=20, error_messages=_required("số điện thoại"))
    id_number = forms.CharField(
        label=_("Số CCCD (nếu cán bộ đã có tài khoản khác)"),
        max_length=12,
        required=False,
        help_text=_("Tài khoản mới được gắn với cán bộ đã chuẩn hóa số CCCD này."),
    )
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)

    def clean_username(self) -> str:
        value: str = self.cleaned_data["username"].strip().lower()
        if not _USERNAME_RE.fullmatch(value):
            raise forms.ValidationError(
                _("Tên đăng nhập gồm 3–60 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang, gạch dưới."),
                code="format",
            )
        if OfficerAccount.objects.filter(username=value).exists():
            raise forms.ValidationError(_("Tên đăng nhập đã tồn tại."), code="unique")
        return value

    def clean_phone(self) -> str:
        return _phone(self.cleaned_data["phone"])

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data["id_number"].strip()
        if value and id_number_errors(value):
            raise forms.ValidationError(id_number_errors(value))
        return value


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Lý do tạm đình chỉ"), max_length=300, required=False, widget=forms.TextInput(attrs={"size": 30})
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    position = forms.CharField(label=_("Chức vụ"), max_length=200, required=False)
    is_unit_representative = forms.BooleanField(label=_("Đại diện phòng có số riêng/đơn vị"), required=False)
    is_department_representative = forms.BooleanField(label=_("Đại diện phòng ban"), required=False)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt chuẩn hóa"), max_length=200, error_messages=_required("tên đợt"))
    unit = forms.ModelChoiceField(label=_("Phạm vi (đơn vị)"), queryset=Unit.objects.none())
    deadline = forms.DateField(
        label=_("Hoàn thành trước ngày"),
        input_formats=_DATE_FORMATS,
        widget=DateInput(),
        error_messages={**_required("hạn hoàn thành"), "invalid": _("Ngày không hợp lệ.")},
    )

    def __init__(self, *args: Any, admin: OfficerAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            pk__in=selectors.managed_unit_ids(admin)
        ).order_by("name")
