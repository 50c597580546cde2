"""The simulated VNeID phone app, used through its pages."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from sandbox.idp.models import AuditEvent, QrLogin, QrStatus
from tests.sandbox.qr.personas import AN_NUMBER, PASSCODE, browser_qr, payload

pytestmark = pytest.mark.django_db


def _sign_in(phone: HttpClient, number: str = AN_NUMBER, passcode: str = PASSCODE):
    return phone.post("/app/dang-nhap/", {"so_dinh_danh": number, "passcode": passcode})


def test_it_renders_the_sign_in_page_with_labelled_fields(phone):
    response = phone.get("/app/")
    assert response.status_code == 302
    assert response["Location"] == "/app/dang-nhap/"
    html = phone.get("/app/dang-nhap/").content.decode()
    assert "Đăng nhập ứng dụng VNeID" in html
    assert '<label for="id_so_dinh_danh">Số định danh cá nhân</label>' in html
    assert 'id="id_so_dinh_danh"' in html
    assert '<label for="id_passcode">' in html
    assert 'type="password"' in html
    assert "vneid_app/app.css" in html


def test_it_checks_the_number_format(phone, db):
    html = _sign_in(phone, number="12345").content.decode()
    assert "Số định danh cá nhân phải đúng 12 ký tự số" in html
    assert 'aria-invalid="true"' in html


def test_it_gives_the_same_message_for_a_wrong_passcode_and_an_unknown_number(an, phone):
    wrong = _sign_in(phone, passcode="000000").content.decode()
    unknown = _sign_in(phone, number="001099099999").content.decode()
    assert "Số định danh hoặc mật mã không đúng." in wrong
    assert "Số định danh hoặc mật mã không đúng." in unknown


def test_it_signs_in_to_the_app_without_signing_the_browser_in(an, phone):
    response = _sign_in(phone)
    assert response.status_code == 302
    assert response["Location"] == "/app/"
    assert "_auth_user_id" not in phone.session
    html = phone.get("/app/").content.decode()
    assert "NGUYỄN VĂN AN" in html
    assert "Tài khoản định danh điện tử mức 2" in html
    assert "Quét mã QR" in html


def test_it_scans_and_approves_from_the_app_pages(an, phone, browser):
    qr = browser_qr(browser)
    _sign_in(phone)
    assert '<label for="id_payload">Mã QR</label>' in phone.get("/app/quet-ma/").content.decode()
    response = phone.post("/app/quet-ma/", {"payload": payload(qr)})
    assert response.status_code == 302
    assert response["Location"] == f"/app/yeu-cau/{qr.id}/"

    html = phone.get(response["Location"]).content.decode()
    assert "Yêu cầu đăng nhập" in html
    assert "Cổng Dịch vụ công quốc gia" in html
    assert "Nhập mã đối chiếu đang hiển thị trên màn hình đăng nhập" in html
    assert "Đồng ý" in html
    assert "Từ chối" in html

    code = browser.get(f"/dang-nhap/qr/{qr.id}/status.json").json()["match_code"]
    done = phone.post(f"/app/yeu-cau/{qr.id}/", {"action": "approve", "match_code": code})
    assert done["Location"] == "/app/thong-bao/"
    notice = phone.get("/app/thong-bao/").content.decode()
    assert "Xác thực thành công. Vui lòng quay lại màn hình đăng nhập để tiếp tục." in notice
    assert "Đóng" in notice
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.APPROVED

    # "Đóng" signs out of the app.
    assert phone.post("/app/dang-xuat/")["Location"] == "/app/"
    assert phone.get("/app/")["Location"] == "/app/dang-nhap/"
    assert browser.post(f"/dang-nhap/qr/{qr.id}/hoan-tat/").status_code == 302
    assert browser.session["_auth_user_id"] == str(an.pk)


def test_it_refuses_from_the_app_pages(an, phone, browser):
    qr = browser_qr(browser)
    _sign_in(phone)
    phone.post("/app/quet-ma/", {"payload": payload(qr)})
    phone.post(f"/app/yeu-cau/{qr.id}/", {"action": "refuse"})
    assert "Bạn đã từ chối yêu cầu đăng nhập." in phone.get("/app/thong-bao/").content.decode()
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.REFUSED
    assert AuditEvent.objects.filter(action="qr_refuse", account=an).exists()


def test_it_says_when_the_match_code_is_wrong(an, phone, browser):
    qr = browser_qr(browser)
    _sign_in(phone)
    phone.post("/app/quet-ma/", {"payload": payload(qr)})
    wrong = f"{(int(qr.match_code) + 1) % 100:02d}"
    html = phone.post(f"/app/yeu-cau/{qr.id}/", {"action": "approve", "match_code": wrong})
    assert "Mã đối chiếu không đúng. Bạn còn 2 lần thử." in html.content.decode()
    assert QrLogin.objects.get(pk=qr.id).status == QrStatus.SCANNED


def test_it_says_when_the_pasted_code_is_not_a_login_qr(an, phone):
    _sign_in(phone)
    html = phone.post("/app/quet-ma/", {"payload": "xin chào"}).content.decode()
    assert "Mã QR không hợp lệ." in html


def test_it_hides_requests_scanned_by_someone_else(an, ba, phone, browser):
    qr = browser_qr(browser)
    _sign_in(phone)
    phone.post("/app/quet-ma/", {"payload": payload(qr)})
    other = HttpClient()
    _sign_in(other, number=ba.username)
    assert other.get(f"/app/yeu-cau/{qr.id}/").status_code == 404
