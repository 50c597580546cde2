from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Level, OnlineLevel


class ProcedureSearchForm(forms.Form):
    """The list page's search box and filters (all optional; bad values are ignored)."""

    q = forms.CharField(label=_("Từ khoá hoặc mã thủ tục"), required=False, max_length=200)
    field = forms.TypedChoiceField(label=_("Lĩnh vực"), required=False, coerce=int, empty_value=None)
    agency = forms.TypedChoiceField(label=_("Cơ quan thực hiện"), required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(label=_("Cấp thực hiện"), required=False)
    online_level = forms.ChoiceField(label=_("Mức độ"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("Tất cả"))]
        self.fields["field"].choices = everything + [(f.pk, f.name) for f in selectors.fields_in_use()]  # type: ignore[attr-defined]
        self.fields["agency"].choices = everything + [(a.pk, a.name) for a in selectors.agencies_in_use()]  # type: ignore[attr-defined]
        self.fields["level"].choices = everything + list(Level.choices)  # type: ignore[attr-defined]
        self.fields["online_level"].choices = everything + list(OnlineLevel.choices)  # type: ignore[attr-defined]


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp bộ thủ tục (.json hoặc .csv)"),
        help_text=_("Tối đa 5 MB. Tệp có lỗi sẽ không được ghi dòng nào."),
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".json", ".csv")):
            raise forms.ValidationError(_("Chỉ nhận tệp .json hoặc .csv."))
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 5 MB."))
        return upload


class FormSchemaForm(forms.Form):
    schema = forms.CharField(
        label=_("Cấu trúc biểu mẫu điện tử (JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "cols": 100, "spellcheck": "false"}),
        help_text=_(
            "Danh sách trường: name, label, type (text, textarea, number, date, select, checkbox), "
            "required, choices, max_length, pattern, pattern_message."
        ),
    )

    def clean_schema(self) -> Any:
        try:
            return json.loads(self.cleaned_data["schema"])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("JSON không hợp lệ (dòng %(line)d): %(msg)s") % {"line": exc.lineno, "msg": exc.msg}
            ) from None
