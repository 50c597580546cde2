from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_shows_the_provincial_header_and_only_built_menu_items(client):
    page = client.get("/").content.decode()
    assert "HỆ THỐNG THÔNG TIN GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH" in page
    assert "TỈNH HƯNG YÊN" in page
    assert "Trang chủ" in page
    assert "BỘ THỦ TỤC" in page
    menu = ["BỘ THỦ TỤC", "TRA CỨU HỒ SƠ", "NỘP QUA MẠNG", "THỐNG KÊ", "PHẢN ÁNH KIẾN NGHỊ", "TIN TỨC", "KHO DỮ LIỆU"]
    positions = [page.index(label) for label in menu]  # every item is built, and in this order
    assert positions == sorted(positions)
    assert "Đăng nhập" in page
    assert 'class="skip-link"' in page and 'lang="vi"' in page


def test_it_links_registration_to_the_national_portal_only_when_configured(client, settings):
    assert "Đăng ký" not in client.get("/").content.decode()
    settings.NATIONAL_REGISTRATION_URL = "http://127.0.0.1:8001/dang-ky/"
    page = client.get("/").content.decode()
    assert 'href="http://127.0.0.1:8001/dang-ky/">Đăng ký</a>' in page


def test_it_uses_the_configured_province_name(client, settings):
    settings.PROVINCE_NAME = "BẮC NINH"
    assert "TỈNH BẮC NINH" in client.get("/").content.decode()


def test_it_shows_the_citizen_login_block_and_hides_the_officer_block_when_disabled(client, settings):
    settings.BACKOFFICE_ENABLED = False
    page = client.get("/dang-nhap/", {"next": "/tai-khoan/"}).content.decode()
    assert "CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP" in page
    assert "Đăng nhập bằng tài khoản định danh điện tử VNeID" in page
    assert 'href="/sso/login/?next=/tai-khoan/"' in page
    assert "CÁN BỘ ĐĂNG NHẬP" not in page


def test_it_shows_the_officer_block_when_the_back_office_is_enabled(client, settings):
    settings.BACKOFFICE_ENABLED = True
    page = client.get("/dang-nhap/").content.decode()
    assert "CÁN BỘ ĐĂNG NHẬP" in page and 'href="/motcua/"' in page


def test_it_sanitises_next_on_the_login_page(client):
    page = client.get("/dang-nhap/", {"next": "//evil.example"}).content.decode()
    assert 'href="/sso/login/?next=/"' in page
    assert "sso/login/?next=%2F%2Fevil" not in page and "next=//evil" not in page


def test_it_sends_anonymous_visitors_of_the_account_page_to_login(client):
    response = client.get("/tai-khoan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/tai-khoan/")


def test_it_shows_the_name_menu_with_logout_after_login(signed_in):
    page = signed_in.get("/").content.decode()
    assert "Đỗ Thị Thanh Phúc" in page and "Đã xác thực" in page
    assert 'action="/dang-xuat/"' in page and "Đăng xuất" in page
    assert "Chuyển tài khoản" not in page  # represents no business


def test_it_sets_its_own_cookie_names(signed_in):
    assert "tthc_sessionid" in signed_in.cookies
    assert "sessionid" not in signed_in.cookies


def test_it_offers_an_english_translation(client):
    page = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "CITIZEN/BUSINESS SIGN-IN" in page
    assert "Sign in with a VNeID electronic identity account" in page
    assert 'lang="en"' in page


def test_it_switches_the_language_with_a_labelled_form(client):
    page = client.get("/").content.decode()
    assert '<label for="language-select">Ngôn ngữ</label>' in page
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302
    assert response.cookies["tthc_language"].value == "en"
    assert "CITIZEN/BUSINESS SIGN-IN" in client.get("/dang-nhap/").content.decode()
