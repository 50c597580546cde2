"""Form 01: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" as a PDF (fpdf2, DejaVu Sans for
Vietnamese), with a QR code leading to the public lookup."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import segno
from django.conf import settings
from django.urls import reverse
from fpdf import FPDF

from .calendar import LOCAL_TZ
from .models import Dossier

FONT_DIR = Path(settings.BASE_DIR) / "fonts"


def mask_id(number: str) -> str:
    """``001099012345`` → ``00109****345``: enough for the applicant to recognise it."""
    if len(number) < 7:
        return "*" * len(number)
    return number[:5] + "*" * (len(number) - 8) + number[-3:]


def lookup_url(dossier: Dossier) -> str:
    return f"{settings.PUBLIC_URL}{reverse('dossiers:lookup')}?ma={dossier.code}"


def when(value: dt.datetime | None) -> str:
    if value is None:
        return "—"
    return value.astimezone(LOCAL_TZ).strftime("%H giờ %M, ngày %d/%m/%Y")


def new_pdf(*, landscape: bool = False) -> FPDF:
    """An A4 document with the DejaVu Sans font (it has every Vietnamese letter)."""
    pdf = FPDF(orientation="L" if landscape else "P", format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_page()
    return pdf


def letterhead(pdf: FPDF, *, agency_name: str, title: str, subtitle: str = "") -> float:
    """The agency and the national motto side by side, then the form's title; returns the
    text width."""
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(width / 2, 5, agency_name.upper(), align="C", new_x="RIGHT", new_y="TOP")
    pdf.multi_cell(
        width / 2,
        5,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
        align="C",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    pdf.set_font("DejaVu", "B", 13)
    pdf.multi_cell(width, 7, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 11)
    if subtitle:
        pdf.multi_cell(width, 6, subtitle, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    return width


def receipt_pdf(dossier: Dossier) -> bytes:
    pdf = new_pdf()
    width = letterhead(
        pdf,
        agency_name=dossier.agency.name,
        title="GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        subtitle=f"Mã hồ sơ: {dossier.code}",
    )
    info = dossier.applicant_info
    lines = [
        f"{dossier.agency.name} tiếp nhận hồ sơ của:",
        f"Ông/Bà: {info.get('full_name', '')}",
        f"Số định danh cá nhân: {mask_id(str(info.get('id_number', '')))}",
    ]
    if info.get("organisation"):
        lines.append(f"Tổ chức: {info['organisation']['name']} (MST/MSDN {info['organisation']['business_code']})")
    lines += [
        f"Nội dung yêu cầu giải quyết: {dossier.procedure.name} ({dossier.procedure.code})",
        "Thành phần hồ sơ:",
    ]
    for line in lines:
        pdf.multi_cell(width, 6, line, new_x="LMARGIN", new_y="NEXT")
    for number, document in enumerate(dossier.documents.filter(is_result=False), start=1):
        label = document.procedure_document.name if document.procedure_document else document.original_name
        pdf.multi_cell(width, 6, f"   {number}. {label} ({document.original_name})", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Thời gian nhận hồ sơ: {when(dossier.received_at)}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Thời gian trả kết quả: {when(dossier.due_at)}", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 6, f"Hình thức nhận kết quả: {dossier.get_delivery_display()}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    qr = io.BytesIO()
    segno.make(lookup_url(dossier), error="m").save(qr, kind="png", scale=4, border=2)
    qr.seek(0)
    top = pdf.get_y()
    pdf.image(qr, x=pdf.l_margin, y=top, w=32, h=32)
    pdf.set_xy(pdf.l_margin + 36, top + 4)
    pdf.set_font("DejaVu", "", 9)
    pdf.multi_cell(
        width - 36,
        5,
        "Tra cứu tình trạng hồ sơ: quét mã QR hoặc vào mục “Tra cứu hồ sơ” trên Cổng Dịch vụ công, "
        "nhập mã hồ sơ và 4 số cuối điện thoại của người nộp.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
