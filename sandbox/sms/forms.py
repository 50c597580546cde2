from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .phones import normalise_phone


class InboxFilterForm(forms.Form):
    to = forms.CharField(
        label=_("Số điện thoại"),
        required=False,
        max_length=20,
        help_text=_("Ví dụ: 0912345678. Để trống để xem mọi tin nhắn."),
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "inputmode": "tel",
                "autocomplete": "tel",
                "placeholder": "09xxxxxxxx",
            }
        ),
    )

    def clean_to(self) -> str:
        raw: str = self.cleaned_data["to"]
        if not raw.strip():
            return ""
        try:
            return normalise_phone(raw)
        except ValueError:
            raise forms.ValidationError(_("Số điện thoại di động Việt Nam không hợp lệ"), code="invalid") from None
