"""The population registry (CSDL quốc gia về Dân cư), simulated.

Glossary: số định danh cá nhân (12-digit personal id, printed on the CCCD card);
CMND (legacy 9-digit identity card); thường trú (permanent residence); quê quán (place of
origin); dân tộc (ethnic group).
"""

from __future__ import annotations

from django.db import models


class Gender(models.TextChoices):
    MALE = "Nam", "Nam"
    FEMALE = "Nữ", "Nữ"


class Resident(models.Model):
    """One person as the national registry knows them (the authoritative record)."""

    id_number = models.CharField("số định danh cá nhân", max_length=12, unique=True)
    legacy_cmnd = models.CharField("số CMND", max_length=9, unique=True, null=True, blank=True)
    full_name = models.CharField("họ và tên", max_length=200)
    birth_date = models.DateField("ngày sinh")
    gender = models.CharField("giới tính", max_length=3, choices=Gender.choices)
    place_of_origin = models.CharField("quê quán", max_length=300, blank=True)
    permanent_address = models.CharField("nơi thường trú", max_length=300, blank=True)
    current_address = models.CharField("nơi ở hiện nay", max_length=300, blank=True)
    ethnicity = models.CharField("dân tộc", max_length=50, default="Kinh")
    nationality = models.CharField("quốc tịch", max_length=50, default="Việt Nam")
    card_issued_on = models.DateField("ngày cấp CCCD", null=True, blank=True)
    card_issued_by = models.CharField(
        "nơi cấp",
        max_length=200,
        blank=True,
        default="Cục Cảnh sát quản lý hành chính về trật tự xã hội",
    )

    class Meta:
        verbose_name = "công dân"
        verbose_name_plural = "công dân"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.id_number})"


class Subscriber(models.Model):
    """A mobile subscription and its registered owner (the stand-in for "TTTB gửi 1414")."""

    phone = models.CharField("số thuê bao", max_length=15, unique=True)
    owner_id_number = models.CharField("số giấy tờ của chủ thuê bao", max_length=12, db_index=True)
    owner_name = models.CharField("họ tên chủ thuê bao", max_length=200)

    def __str__(self) -> str:
        return self.phone


class Business(models.Model):
    """A business in the national business registry, with its legal representative."""

    tax_code = models.CharField("mã số doanh nghiệp", max_length=14, unique=True)
    name = models.CharField("tên doanh nghiệp", max_length=300)
    address = models.CharField("địa chỉ trụ sở", max_length=300)
    representative = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="businesses", verbose_name="người đại diện"
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.tax_code})"


class RegistryQuery(models.Model):
    """Every query made to the registry API is logged (who asked, what kind, the outcome)."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)  # "lookup" | "match"
    id_number = models.CharField(max_length=12, blank=True)
    # "found" | "not_found" | "match" | "no_match" | "invalid"
    outcome = models.CharField(max_length=20)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.client} {self.kind} {self.outcome}"
