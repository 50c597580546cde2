"""Glossary: số ký hiệu = document number (e.g. 123/QĐ-UBND); cơ quan ban hành = issuing
body; ngày ban hành = issue date; hiệu lực đến ngày = valid until."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from province.catalogue.models import private_storage


def _upload_to(instance: StoredDocument, filename: str) -> str:
    return f"datastore/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}"


class StoredDocument(models.Model):
    """Owned by exactly one person or one organisation. Deleting only hides it (deleted_at):
    dossiers keep their own copies."""

    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    owner_organisation = models.ForeignKey(
        "accounts.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("tên giấy tờ"), max_length=300)
    reference_number = models.CharField(_("số ký hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=300, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến ngày"), null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to=_upload_to, max_length=200)
    original_name = models.CharField(_("tên tệp"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    source_dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_person__isnull=False, owner_organisation__isnull=True)
                | Q(owner_person__isnull=True, owner_organisation__isnull=False),
                name="datastore_one_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["owner_person", "-created_at"], name="datastore_person_time"),
            models.Index(fields=["owner_organisation", "-created_at"], name="datastore_org_time"),
        ]

    def __str__(self) -> str:
        return self.title
