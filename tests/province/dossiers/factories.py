from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from province.accounts.models import Organisation, Person
from province.catalogue.models import Agency, Procedure, ProcedureDocument
from province.dossiers import services
from province.dossiers.files import check_content
from province.dossiers.models import Dossier
from tests.province.catalogue.factories import (
    AgencyFactory,
    ProcedureDocumentFactory,
    ProcedureFactory,
    ProcedureFormVersionFactory,
)
from tests.province.factories import PersonFactory

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
FORM_DATA = {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "2024-01-15", "gioi_tinh": "nam", "cam_doan": "on"}


def office_file(kind: str = "word") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{kind}/document.xml", "<doc/>")
    return buffer.getvalue()


def submittable_procedure(*, agency: Agency | None = None, days: str = "3") -> Procedure:
    agency = agency or AgencyFactory(code="000.00.06.H33")
    procedure = ProcedureFactory(agencies=[agency], processing_days=Decimal(days))
    ProcedureDocumentFactory(procedure=procedure, name="Tờ khai", required=True, order=1)
    ProcedureDocumentFactory(procedure=procedure, name="Giấy chứng sinh", required=False, order=2)
    ProcedureFormVersionFactory(procedure=procedure)
    return procedure


def required_documents(procedure: Procedure) -> list[services.DocumentInput]:
    return [
        services.DocumentInput(file=check_content(PDF, "to khai.pdf"), procedure_document=doc)
        for doc in ProcedureDocument.objects.filter(procedure=procedure, required=True)
    ]


def submit(
    *,
    applicant: Person | None = None,
    procedure: Procedure | None = None,
    key: str = "key-00000001",
    organisation: Organisation | None = None,
    **overrides: Any,
) -> Dossier:
    applicant = applicant or PersonFactory()
    procedure = procedure or submittable_procedure()
    arguments: dict[str, Any] = {
        "applicant": applicant,
        "organisation": organisation,
        "procedure": procedure,
        "form_data": FORM_DATA,
        "documents": required_documents(procedure),
        "delivery": services.DeliveryInput(method="agency"),
        "idempotency_key": key,
        "request_info": None,
    }
    arguments.update(overrides)
    return services.dossier_submit(**arguments)
