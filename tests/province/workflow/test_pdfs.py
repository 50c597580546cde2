"""Forms 01–07 as PDF: each renders, and its text (read back from the PDF) has the
Vietnamese wording and the dossier's real data."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from province.dossiers import pdf_forms, workflow
from province.dossiers.receipt import receipt_pdf

from .conftest import World, officer_client
from .pdftext import pdf_text


def _through_the_workflow(world: World) -> tuple[object, ...]:
    officers = world.officers
    dossier = world.submit()
    dossier = workflow.dossier_receive(dossier=dossier, officer=officers["tiep_nhan"])
    dossier = workflow.dossier_request_supplement(
        dossier=dossier,
        officer=officers["tiep_nhan"],
        documents=["Bản sao Giấy khai sinh", "Giấy ủy quyền"],
        deadline=timezone.localdate() + dt.timedelta(days=7),
    )
    from province.dossiers import services
    from province.dossiers.files import check_content
    from tests.province.dossiers.factories import PDF

    dossier = services.dossier_supplement(
        dossier=dossier,
        actor=dossier.applicant,
        documents=[services.DocumentInput(file=check_content(PDF, "khai sinh.pdf"))],
        note="",
        request_info=None,
    )
    dossier = workflow.dossier_assign(dossier=dossier, officer=officers["tiep_nhan"], to_officer=officers["xu_ly"])
    extension = workflow.dossier_extend(
        dossier=dossier,
        officer=officers["xu_ly"],
        reason="Phải xác minh thông tin tại Công an xã",
        new_due=(dossier.due_at or timezone.now()) + dt.timedelta(days=5),
    )
    dossier = workflow.dossier_stop(dossier=dossier, officer=officers["lanh_dao"], reason="Người yêu cầu đã chết")
    return dossier, extension


def test_it_prints_forms_01_to_06_with_vietnamese_text(world: World) -> None:
    dossier, extension = _through_the_workflow(world)
    texts = {
        "01": pdf_text(receipt_pdf(dossier)),  # type: ignore[arg-type]
        "02": pdf_text(pdf_forms.form02_pdf(dossier)),  # type: ignore[arg-type]
        "04": pdf_text(pdf_forms.form04_pdf(extension)),  # type: ignore[arg-type]
        "05": pdf_text(pdf_forms.form05_pdf(dossier)),  # type: ignore[arg-type]
        "06": pdf_text(pdf_forms.form06_pdf(dossier)),  # type: ignore[arg-type]
    }
    code = dossier.code  # type: ignore[attr-defined]
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in texts["01"] and code in texts["01"]
    assert "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ" in texts["02"]
    assert "Bản sao Giấy khai sinh; Giấy ủy quyền" in texts["02"].replace("\n", " ")
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN" in texts["04"]
    assert "Phải xác minh thông tin tại Công an xã" in texts["04"]
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in texts["05"] and "Người yêu cầu đã chết" in texts["05"].replace(
        "\n", " "
    )
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in texts["06"]
    for step in ("Tiếp nhận hồ sơ", "Thẩm định, xử lý hồ sơ"):
        assert step in texts["06"]
    assert "Trước hạn" in texts["06"] or "Đúng hạn" in texts["06"]
    for text in texts.values():
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "?" not in text.replace("(?)", "")  # every glyph maps back to a letter


def test_it_prints_form_03_and_the_units_register_07(world: World) -> None:
    rejected = world.submit()
    rejected = workflow.dossier_reject(
        dossier=rejected, officer=world.officers["tiep_nhan"], reason="Không thuộc thẩm quyền"
    )
    other = world.submit()
    text03 = pdf_text(pdf_forms.form03_pdf(rejected))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text03 and "Không thuộc thẩm quyền" in text03
    today = timezone.localdate()
    text07 = " ".join(pdf_text(pdf_forms.form07_pdf(unit=world.unit, start=today, end=today)).split())
    assert "SỔ THEO DÕI HỒ SƠ" in text07
    assert rejected.code in text07 and other.code in text07
    assert "Không được tiếp nhận" in text07 and "Mới đăng ký" in text07
    empty = pdf_text(pdf_forms.form07_pdf(unit=world.other_unit, start=today, end=today))
    assert "Không có hồ sơ" in empty and rejected.code not in empty


def test_the_officer_downloads_the_forms_and_the_register(world: World) -> None:
    dossier = world.submit()
    client = officer_client(world.officers["tiep_nhan"])
    assert client.get(f"/motcua/ho-so/{dossier.code}/mau-01.pdf").status_code == 404  # not received yet
    workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    for number in ("01", "06"):
        response = client.get(f"/motcua/ho-so/{dossier.code}/mau-{number}.pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF-"), number
    today = timezone.localdate().isoformat()
    response = client.get("/motcua/ho-so/so-theo-doi.pdf", {"tu": today, "den": today})
    assert response.status_code == 200 and dossier.code in pdf_text(response.content)
    response = client.get("/motcua/ho-so/so-theo-doi.pdf", {"tu": today, "den": "2000-01-01"}, follow=True)
    assert "Khoảng thời gian không hợp lệ" in response.content.decode()
