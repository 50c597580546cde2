"""Forms 02–07 of the one-stop process as PDF (form 01 is ``receipt.receipt_pdf``), built
with the same fpdf2 + DejaVu helpers as the receipt, from the dossier's real rows:

02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ · 03 Phiếu từ chối tiếp nhận · 04 Văn bản xin lỗi
và đề nghị gia hạn · 05 Thông báo dừng giải quyết · 06 Phiếu kiểm soát quá trình giải quyết
(one row per hand-off, Trước hạn / Đúng hạn / Quá hạn) · 07 Sổ theo dõi hồ sơ (a unit's
register over a period).
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from province.backoffice.models import Unit

from .calendar import LOCAL_TZ
from .models import Dossier, DossierEvent, Extension, Handoff, Status
from .receipt import letterhead, mask_id, new_pdf, when

FORM_TITLES = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Văn bản xin lỗi và đề nghị gia hạn",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}
REGISTER_MAX_ROWS = 2000


def _line(pdf: FPDF, width: float, text: str, *, bold: bool = False) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", 11)
    pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")


def _applicant_lines(dossier: Dossier) -> list[str]:
    info = dossier.applicant_info
    lines = [
        f"Kính gửi: Ông/Bà {info.get('full_name', '')}",
        f"Số định danh cá nhân: {mask_id(str(info.get('id_number', '')))}",
    ]
    if info.get("organisation"):
        lines.append(f"Tổ chức: {info['organisation']['name']}")
    lines.append(f"Mã hồ sơ: {dossier.code}")
    lines.append(f"Thủ tục: {dossier.procedure.name} ({dossier.procedure.code})")
    lines.append(f"Ngày nộp: {when(dossier.submitted_at)}")
    return lines


def _signature(pdf: FPDF, width: float, dossier: Dossier, signer: str = "") -> None:
    pdf.ln(6)
    pdf.set_font("DejaVu", "", 10)
    today = dt.datetime.now(LOCAL_TZ)
    pdf.multi_cell(
        width, 5, f"Ngày {today:%d} tháng {today:%m} năm {today:%Y}", align="R", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(width, 5, "CÁN BỘ, CÔNG CHỨC", align="R", new_x="LMARGIN", new_y="NEXT")
    if signer:
        pdf.ln(12)
        pdf.multi_cell(width, 5, signer, align="R", new_x="LMARGIN", new_y="NEXT")


def _last_event(dossier: Dossier, status: int) -> DossierEvent | None:
    return dossier.events.filter(to_status=status).order_by("-at", "-id").first()


def _signer(event: DossierEvent | None) -> str:
    return event.actor.full_name if event is not None and event.actor is not None else ""


def _notice_form(dossier: Dossier, number: str, status: int, intro: str, closing: str) -> bytes:
    pdf = new_pdf()
    width = letterhead(pdf, agency_name=dossier.agency.name, title=FORM_TITLES[number].upper())
    for line in _applicant_lines(dossier):
        _line(pdf, width, line)
    pdf.ln(3)
    event = _last_event(dossier, status)
    _line(pdf, width, intro, bold=True)
    _line(pdf, width, event.note if event else "—")
    if event is not None:
        _line(pdf, width, f"Thời điểm: {when(event.at)}")
    pdf.ln(3)
    _line(pdf, width, closing)
    _signature(pdf, width, dossier, _signer(event))
    return bytes(pdf.output())


def form02_pdf(dossier: Dossier) -> bytes:
    deadline = dossier.supplement_due.strftime("%d/%m/%Y") if dossier.supplement_due else "—"
    return _notice_form(
        dossier,
        "02",
        Status.SUPPLEMENT_REQUESTED,
        "Hồ sơ cần bổ sung, hoàn thiện các nội dung sau:",
        f"Hạn bổ sung: {deadline}. Trong thời gian chờ bổ sung, thời hạn giải quyết tạm dừng. "
        "Xin lỗi ông/bà vì sự bất tiện này.",
    )


def form03_pdf(dossier: Dossier) -> bytes:
    return _notice_form(
        dossier,
        "03",
        Status.NOT_ACCEPTED,
        "Cơ quan không tiếp nhận hồ sơ với lý do:",
        "Xin thông báo để ông/bà biết và thực hiện.",
    )


def form05_pdf(dossier: Dossier) -> bytes:
    return _notice_form(
        dossier,
        "05",
        Status.STOPPED,
        "Cơ quan thông báo dừng giải quyết hồ sơ với lý do:",
        "Xin thông báo để ông/bà biết và thực hiện.",
    )


def form04_pdf(extension: Extension) -> bytes:
    dossier = extension.dossier
    pdf = new_pdf()
    width = letterhead(pdf, agency_name=dossier.agency.name, title=FORM_TITLES["04"].upper())
    for line in _applicant_lines(dossier):
        _line(pdf, width, line)
    pdf.ln(3)
    _line(
        pdf,
        width,
        f"Ngày hẹn trả kết quả: {when(extension.old_due_at)}. Đến nay, {dossier.agency.name} chưa trả kết quả "
        "đúng hẹn.",
    )
    _line(pdf, width, "Lý do:", bold=True)
    _line(pdf, width, extension.reason)
    _line(
        pdf,
        width,
        f"{dossier.agency.name} thành thật xin lỗi ông/bà và xin hẹn lại thời gian trả kết quả vào "
        f"{when(extension.new_due_at)}.",
        bold=True,
    )
    signer = ""
    if extension.officer is not None:
        signer = extension.officer.person.full_name
    _signature(pdf, width, dossier, signer)
    return bytes(pdf.output())


def _table(pdf: FPDF, widths: list[float], header: list[str], rows: list[list[str]]) -> None:
    pdf.set_font("DejaVu", "", 8)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5) as table:
        head = table.row()
        for cell in header:
            head.cell(cell)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value)


def form06_pdf(dossier: Dossier) -> bytes:
    pdf = new_pdf(landscape=True)
    width = letterhead(
        pdf, agency_name=dossier.agency.name, title=FORM_TITLES["06"].upper(), subtitle=f"Mã hồ sơ: {dossier.code}"
    )
    _line(pdf, width, f"Thủ tục: {dossier.procedure.name}. Người nộp: {dossier.applicant_info.get('full_name', '')}")
    _line(pdf, width, f"Ngày tiếp nhận: {when(dossier.received_at)}. Ngày hẹn trả: {when(dossier.due_at)}")
    pdf.ln(2)
    handoffs = Handoff.objects.filter(dossier=dossier).select_related("unit", "officer__person", "handed_by__person")
    rows = []
    for n, h in enumerate(handoffs, start=1):
        rows.append(
            [
                str(n),
                h.step_name,
                (h.handed_by.person.full_name if h.handed_by else "—"),
                (h.officer.person.full_name if h.officer else (h.unit.name if h.unit else "—")),
                when(h.received_at),
                when(h.due_at),
                when(h.done_at) if h.done_at else "Đang xử lý",
                h.verdict_label(),
            ]
        )
    _table(
        pdf,
        [8, 40, 35, 40, 38, 38, 38, 20],
        [
            "STT",
            "Bước xử lý",
            "Bên giao",
            "Bên nhận",
            "Thời gian nhận",
            "Hạn xử lý",
            "Thời gian hoàn thành",
            "Kết quả (Trước hạn / Đúng hạn / Quá hạn)",
        ],
        rows,
    )
    return bytes(pdf.output())


def form07_pdf(*, unit: Unit, start: dt.date, end: dt.date) -> bytes:
    """The unit's register of dossiers submitted from ``start`` to ``end`` (inclusive)."""
    pdf = new_pdf(landscape=True)
    width = letterhead(
        pdf,
        agency_name=unit.name,
        title=FORM_TITLES["07"].upper(),
        subtitle=f"Từ ngày {start:%d/%m/%Y} đến ngày {end:%d/%m/%Y}",
    )
    begin = dt.datetime.combine(start, dt.time.min, LOCAL_TZ)
    finish = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, LOCAL_TZ)
    dossiers = (
        Dossier.objects.filter(unit=unit, submitted_at__gte=begin, submitted_at__lt=finish)
        .select_related("procedure")
        .order_by("submitted_at", "id")[:REGISTER_MAX_ROWS]
    )
    rows = []
    for n, d in enumerate(dossiers, start=1):
        rows.append(
            [
                str(n),
                d.code,
                str(d.applicant_info.get("full_name", "")),
                d.procedure.name,
                when(d.received_at),
                when(d.due_at),
                when(d.finished_at) if d.finished_at else "",
                d.get_status_display(),
            ]
        )
    if not rows:
        _line(pdf, width, "Không có hồ sơ trong khoảng thời gian này.")
    else:
        _table(
            pdf,
            [8, 42, 35, 62, 30, 30, 30, 30],
            [
                "STT",
                "Mã hồ sơ",
                "Người nộp",
                "Thủ tục",
                "Ngày tiếp nhận",
                "Ngày hẹn trả",
                "Ngày trả kết quả",
                "Trạng thái",
            ],
            rows,
        )
    return bytes(pdf.output())
