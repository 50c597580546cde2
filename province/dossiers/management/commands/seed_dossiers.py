"""Demo data for the back office's queues (idempotent; ``make run`` calls it after
``seed_catalogue`` and ``seed_backoffice``): processing steps for every procedure that has
none, and a handful of dossiers of the demo citizen NGUYỄN VĂN AN at the Sở Tư pháp in
various states, every one of them submitted and moved through the services (never by
writing ``Dossier.status``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from province.accounts.models import Person
from province.backoffice.models import OfficerAccount, Unit
from province.catalogue.models import Procedure
from province.dossiers import services, workflow
from province.dossiers.files import check_content
from province.dossiers.models import Dossier

DEMO_PERSON_ID = "001099012345"
DEMO_AGENCY = "000.00.06.H33"
# A one-page PDF, enough to be accepted as a document.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# key, procedure code, the state the demo dossier is brought to
DEMO: list[tuple[str, str, str]] = [
    ("demo-seed-0001", "2.000488", "new"),
    ("demo-seed-0002", "2.000635", "new"),
    ("demo-seed-0003", "2.000488", "processing"),
    ("demo-seed-0004", "2.000635", "supplement"),
    ("demo-seed-0005", "2.000488", "awaiting_approval"),
    ("demo-seed-0006", "2.000635", "returned"),
    ("demo-seed-0007", "2.000488", "rejected"),
]


def sample_form_data(schema: list[dict[str, Any]], person: Person) -> dict[str, Any]:
    """Values that pass the e-form's checks, from the demo person where a field asks for them."""
    data: dict[str, Any] = {}
    for field in schema:
        name, kind, pattern = field["name"], field["type"], field.get("pattern") or ""
        if kind == "checkbox":
            data[name] = "on"
        elif kind == "select":
            first = field["choices"][0]
            data[name] = first[0] if isinstance(first, list | tuple) else first
        elif kind == "number":
            data[name] = "1"
        elif kind == "date":
            data[name] = "2024-01-15"
        elif pattern == r"^\d{12}$":
            data[name] = person.id_number or DEMO_PERSON_ID
        elif pattern.startswith("^0"):
            data[name] = "0912345678"
        elif "ho_ten" in name:
            data[name] = person.full_name or "Nguyễn Văn An"
        else:
            data[name] = "Nộp hồ sơ mẫu"
        limit = field.get("max_length")
        if limit and isinstance(data[name], str):
            data[name] = data[name][:limit]
        if pattern and isinstance(data[name], str) and not re.fullmatch(pattern, data[name]):
            data[name] = "Nguyen Van An"
    return data


class Command(BaseCommand):
    help = "Seed processing steps and demo dossiers in various states, through the services (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        steps = sum(workflow.procedure_steps_seed(p) for p in Procedure.objects.all())
        person = Person.objects.filter(id_number=DEMO_PERSON_ID).first()
        unit = Unit.objects.filter(agency__code=DEMO_AGENCY).first()
        officers = {a.role: a for a in OfficerAccount.objects.filter(unit=unit, suspended=False)} if unit else {}
        if person is None or unit is None or not {"tiep_nhan", "xu_ly", "lanh_dao"} <= set(officers):
            self.stdout.write(f"dossiers: steps +{steps}; no demo dossiers (run seed_catalogue and seed_backoffice)")
            return
        made = 0
        for key, code, state in DEMO:
            if Dossier.objects.filter(applicant=person, idempotency_key=key).exists():
                continue
            procedure = Procedure.objects.filter(code=code).first()
            if procedure is None:
                continue
            dossier = self._submit(person, procedure, key)
            self._bring_to(dossier, state, officers)
            made += 1
        self.stdout.write(
            f"dossiers: steps +{steps}; demo dossiers +{made} (Sở Tư pháp: lan.tuphap, an.tuphap, hung.tuphap)"
        )

    def _submit(self, person: Person, procedure: Procedure, key: str) -> Dossier:
        version = procedure.form_versions.filter(is_current=True).first()
        documents = [
            services.DocumentInput(file=check_content(DEMO_PDF, f"{doc.name[:40]}.pdf"), procedure_document=doc)
            for doc in procedure.documents.filter(required=True)
        ]
        return services.dossier_submit(
            applicant=person,
            organisation=None,
            procedure=procedure,
            form_data=sample_form_data(version.schema, person) if version else {},
            documents=documents,
            delivery=services.DeliveryInput(method="online"),
            idempotency_key=key,
            request_info=None,
            contact=services.Contact(phone="0912345678"),
        )

    def _bring_to(self, dossier: Dossier, state: str, officers: dict[str, OfficerAccount]) -> None:
        receiving, processing, approving = officers["tiep_nhan"], officers["xu_ly"], officers["lanh_dao"]
        if state == "new":
            return
        if state == "rejected":
            workflow.dossier_reject(
                dossier=dossier, officer=receiving, reason="Hồ sơ không thuộc thẩm quyền giải quyết."
            )
            return
        workflow.dossier_receive(dossier=dossier, officer=receiving)
        if state == "supplement":
            workflow.dossier_request_supplement(
                dossier=dossier,
                officer=receiving,
                documents=["Bản sao Giấy khai sinh", "Giấy ủy quyền có chứng thực"],
                deadline=(timezone.now() + dt.timedelta(days=10)).date(),
            )
            return
        workflow.dossier_assign(dossier=dossier, officer=receiving, to_officer=processing)
        if state == "processing":
            return
        workflow.dossier_submit_for_approval(dossier=dossier, officer=processing, note="Đề nghị cấp theo yêu cầu.")
        if state == "awaiting_approval":
            return
        workflow.dossier_approve(dossier=dossier, officer=approving)
        workflow.dossier_return_result(
            dossier=dossier,
            officer=receiving,
            documents=[
                workflow.ResultDocument(
                    file=check_content(DEMO_PDF, "ket-qua.pdf"),
                    title=f"Kết quả giải quyết hồ sơ {dossier.code}",
                    reference_number=f"{dossier.pk:03d}/STP-HCTP",
                    signed_by=approving.person.full_name,
                    signed_on=timezone.now().date(),
                )
            ],
        )
