"""News and announcements (tin tức, thông báo) written by administrators."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import private_storage


def _image_upload_to(instance: Article, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"news/{secrets.token_hex(16)}.{ext}"


class Article(models.Model):
    """``body`` is HTML already cleaned by ``richtext.clean`` (an allow-list), and cleaned again
    when shown; ``search_text`` is the folded plain text of title, summary and body."""

    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(_("đường dẫn"), max_length=120, unique=True)
    summary = models.TextField(_("tóm tắt"), max_length=1000)
    body = models.TextField(_("nội dung"))
    image = models.FileField(
        _("ảnh minh họa"), storage=private_storage, upload_to=_image_upload_to, blank=True, max_length=200
    )
    image_alt = models.CharField(_("mô tả ảnh (cho người khiếm thị)"), max_length=300, blank=True)
    published_at = models.DateTimeField(
        _("ngày đăng"), null=True, blank=True, help_text=_("Để trống: bản nháp. Ngày trong tương lai: chưa hiển thị.")
    )
    search_text = models.TextField(editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tin tức, thông báo")
        verbose_name_plural = _("tin tức, thông báo")
        ordering = ("-published_at", "-id")
        indexes = [models.Index(fields=["-published_at", "-id"], name="news_published")]

    def __str__(self) -> str:
        return self.title
