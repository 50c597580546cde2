"""What the API reads and writes (the OpenAPI document is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

# Every text input refuses NUL: PostgreSQL cannot store or compare it.
NO_NUL = r"^[^\x00]*$"


def _text(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(max_length=max_length, min_length=min_length, pattern=NO_NUL)


Digits4 = Annotated[str, StringConstraints(min_length=4, max_length=4, pattern=NO_NUL)]
Text10 = Annotated[str, _text(10)]
Text12 = Annotated[str, _text(12)]
Text20 = Annotated[str, _text(20)]
Text30 = Annotated[str, _text(30)]
Text254 = Annotated[str, _text(254)]
Text500 = Annotated[str, _text(500)]
Required12 = Annotated[str, _text(12, 1)]
Required60 = Annotated[str, _text(60, 1)]
Required200 = Annotated[str, _text(200, 1)]
Code = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9._-]+$")]


# --- catalogue -----------------------------------------------------------------------------


class FieldOut(Schema):
    code: str
    name: str


class AgencyOut(Schema):
    code: str
    name: str
    level: str = Field(description="tinh (cấp tỉnh) hoặc xa (cấp xã)")
    parent_code: str | None
    address: str
    phone: str
    email: str


class AgencyPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[AgencyOut]


class ProcedureSummary(Schema):
    code: str
    name: str
    field: FieldOut
    level: str = Field(description="tinh (cấp tỉnh) hoặc xa (cấp xã)")
    online_level: str = Field(description="toan_trinh, mot_phan hoặc thong_tin (Nghị định 42/2022/NĐ-CP)")
    processing_days: str | None = Field(description="Thời hạn giải quyết, ngày làm việc (số thập phân)")
    fee_amount: int | None = Field(description="Mức phí, lệ phí (đồng), nếu là một số")


class ProcedurePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ProcedureSummary]


class DocumentOut(Schema):
    id: int = Field(description="Dùng làm document_id khi nộp hồ sơ")
    name: str
    required: bool
    copies: int


class FormOut(Schema):
    version: int
    fields: list[dict[str, Any]] = Field(description="Cấu trúc biểu mẫu điện tử (xem docs/api.md)")


class ProcedureDetail(ProcedureSummary):
    processing_time_text: str
    fee_text: str
    applicants: str
    legal_basis: str
    steps: str
    methods: str
    result: str
    agencies: list[AgencyOut]
    documents: list[DocumentOut]
    form: FormOut | None


# --- dossiers ------------------------------------------------------------------------------


class LookupIn(Schema):
    code: Required60
    phone_digits: Digits4


class NamedRef(Schema):
    code: str
    name: str


class TimelineEntry(Schema):
    at: dt.datetime
    status: int = Field(description="Mã trạng thái 1–10 của Cổng Dịch vụ công quốc gia")
    status_name: str


class PublicDossier(Schema):
    """What the public lookup shows: nothing personal."""

    code: str
    procedure: NamedRef
    agency: NamedRef
    status: int
    status_name: str
    submitted_at: dt.datetime
    due_at: dt.datetime | None
    timeline: list[TimelineEntry]


class ApplicantIn(Schema):
    id_number: Text12 = Field(description="Số định danh cá nhân (12 chữ số)")
    full_name: Required200
    phone: Text20 = Field(description="Số di động nhận thông báo (bắt buộc)")
    email: Text254 = ""
    address: Text500 = ""


class DocumentIn(Schema):
    document_id: int | None = Field(None, description="id của giấy tờ trong chi tiết thủ tục")
    name: Required200
    content_base64: str = Field(description="Nội dung tệp (PDF, JPEG, PNG, DOCX, XLSX), mã hoá base64")


class DeliveryIn(Schema):
    method: Text10 = Field(description="agency (nhận tại cơ quan), post (bưu chính), online")
    address: Text500 = ""


class SubmitIn(Schema):
    procedure: Required12 = Field(description="Mã thủ tục")
    agency: Text30 = Field("", description="Mã cơ quan tiếp nhận (để trống: cơ quan mặc định)")
    applicant: ApplicantIn
    form: dict[str, Any] = Field(default_factory=dict, description="Giá trị biểu mẫu điện tử, theo tên trường")
    documents: list[DocumentIn] = Field(default_factory=list, max_length=20)
    delivery: DeliveryIn


class EventOut(Schema):
    at: dt.datetime
    from_status: int | None
    status: int
    status_name: str
    note: str


class DossierOut(Schema):
    code: str
    procedure: NamedRef
    agency: NamedRef
    status: int = Field(description="Mã trạng thái 1–10 của Cổng Dịch vụ công quốc gia")
    status_name: str
    channel: int = Field(description="Kênh nộp: 1 trực tiếp, 2 trực tuyến, 3 bưu chính công ích")
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    updated_at: dt.datetime
    timeline: list[EventOut]


class SyncItem(Schema):
    code: str
    procedure_code: str
    agency_code: str
    status: int
    status_name: str
    channel: int
    submitted_at: dt.datetime
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    updated_at: dt.datetime


class SyncPage(Schema):
    items: list[SyncItem]
    next_cursor: str = Field(description="Truyền lại ở lần gọi sau; không đổi khi chưa có thay đổi mới")
