from __future__ import annotations

from decimal import Decimal

import factory
from django.core.files.base import ContentFile

from province.catalogue import services
from province.catalogue.models import (
    Agency,
    Field,
    Level,
    OnlineLevel,
    Procedure,
    ProcedureDocument,
    ProcedureFormVersion,
)
from tests.province.factories import PersonFactory


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LV-{n:03d}")
    name = "Hộ tịch"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"000.30.{n % 100:02d}.H33")
    name = factory.Sequence(lambda n: f"UBND xã Phụng Công {n}")
    level = Level.COMMUNE

    class Params:
        provincial = factory.Trait(level=Level.PROVINCE, name="Sở Tư pháp")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"1.{900000 + n:06d}")
    name = "Thủ tục đăng ký khai sinh"
    field = factory.SubFactory(FieldFactory)
    level = Level.COMMUNE
    online_level = OnlineLevel.FULL
    processing_days = Decimal("1")
    fee_text = "Miễn lệ phí"
    applicants = "Công dân Việt Nam"
    legal_basis = "Luật Hộ tịch năm 2014"
    steps = "Bước 1: Nộp hồ sơ."
    methods = "Trực tuyến"
    result = "Giấy khai sinh"

    class Params:
        inactive = factory.Trait(is_active=False)
        provincial = factory.Trait(level=Level.PROVINCE, online_level=OnlineLevel.PARTIAL)

    @factory.post_generation
    def agencies(self, create: bool, extracted: list[Agency] | None, **kwargs: object) -> None:
        if create and extracted:
            self.agencies.set(extracted)

    @factory.post_generation
    def searchable(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            services.procedure_refresh_search_text(procedure=self)


class ProcedureDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureDocument

    procedure = factory.SubFactory(ProcedureFactory)
    name = "Tờ khai đăng ký khai sinh"
    required = True
    copies = 1
    order = 1

    class Params:
        with_template = factory.Trait(
            template=factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4 mau to khai", name='to khai"x\r\n.pdf'))
        )


SCHEMA = [
    {
        "name": "ho_ten",
        "label": "Họ tên",
        "type": "text",
        "required": True,
        "max_length": 20,
        "pattern": r"^[^0-9]+$",
        "pattern_message": "Họ tên không chứa chữ số",
    },
    {"name": "so_con", "label": "Số con", "type": "number"},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {
        "name": "gioi_tinh",
        "label": "Giới tính",
        "type": "select",
        "required": True,
        "choices": [["nam", "Nam"], ["nu", "Nữ"]],
    },
    {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea"},
    {"name": "cam_doan", "label": "Cam đoan", "type": "checkbox", "required": True},
]


class ProcedureFormVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureFormVersion

    procedure = factory.SubFactory(ProcedureFactory)
    version = 1
    schema = factory.LazyFunction(lambda: [dict(f) for f in SCHEMA])
    is_current = True


class StaffFactory(PersonFactory):
    is_superuser = True
