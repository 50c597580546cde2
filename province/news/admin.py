"""News in the Django admin (/quan-tri/, administrators only). Not subscripted: see catalogue/admin.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Article


class ArticleForm(forms.ModelForm):  # type: ignore[type-arg]
    upload = forms.FileField(
        label=_("Ảnh minh họa (JPEG hoặc PNG, tối đa 2 MB)"),
        required=False,
        help_text=_("Ảnh được kiểm tra theo nội dung và mã hóa lại."),
    )
    body = forms.CharField(
        label=_("Nội dung"),
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "HTML đơn giản: đoạn văn, tiêu đề h2–h4, đậm, nghiêng, danh sách, liên kết, bảng. "
            "Các thẻ và thuộc tính khác (script, style, sự kiện…) bị loại bỏ khi lưu."
        ),
    )

    class Meta:
        model = Article
        fields = ("title", "slug", "summary", "body", "image_alt", "published_at")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            try:
                services.article_set_image(self.instance, upload)
            except ValidationError as exc:
                self.add_error("upload", exc)
        if (upload is not None or self.instance.image) and not (data.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Nhập mô tả ảnh cho người khiếm thị."))
        return data


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ArticleForm
    list_display = ("title", "published_at", "updated_at")
    search_fields = ("title", "search_text")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        services.article_prepare(obj)
        if not change and request.user.is_authenticated:
            obj.created_by_id = request.user.pk
        super().save_model(request, obj, form, change)
