"""The public and officer entry pages speak English when the browser asks for it.

LocaleMiddleware picks the language from Accept-Language; the strings come from the
English catalogues (province/locale/en and province/catalogue/locale/en).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings

# (url, English strings expected with "en", their Vietnamese sources expected with "vi")
PAGES = [
    (
        "/",
        ["Home", "DOSSIER LOOKUP", "SUBMIT ONLINE", "DATA STORE", "Public Service Portal of"],
        ["Trang chủ", "TRA CỨU HỒ SƠ", "NỘP QUA MẠNG", "KHO DỮ LIỆU", "Cổng Dịch vụ công tỉnh"],
    ),
    (
        "/dang-nhap/",
        ["Sign in", "CITIZEN/BUSINESS SIGN-IN", "OFFICER SIGN-IN", "VNeID"],
        ["Đăng nhập", "CÔNG DÂN/DOANH NGHIỆP ĐĂNG NHẬP", "CÁN BỘ ĐĂNG NHẬP"],
    ),
    (
        "/motcua/dang-nhap/",
        [
            "ELECTRONIC ONE-STOP OFFICE SYSTEM",
            "OFFICER SIGN-IN",
            "Username",
            "Password",
            "(required)",
            "Sign in with the electronic identity account issued by the Ministry of Public Security",
            "Electronic one-stop office system of",
        ],
        [
            "HỆ THỐNG MỘT CỬA ĐIỆN TỬ",
            "CÁN BỘ ĐĂNG NHẬP",
            "Tên đăng nhập",
            "Mật khẩu",
            "(bắt buộc)",
            "Đăng nhập bằng Tài khoản Định danh điện tử cấp bởi Bộ Công an",
            "Hệ thống Một cửa điện tử tỉnh",
        ],
    ),
    (
        "/thu-tuc/",
        ["PROCEDURES", "Keywords or procedure code", "Search", "procedures found"],
        ["BỘ THỦ TỤC", "Từ khoá hoặc mã thủ tục", "Tìm kiếm", "Tìm thấy 0 thủ tục"],
    ),
    (
        "/tra-cuu-ho-so/",
        ["Dossier lookup", "Dossier code", "Last 4 digits of the applicant", "Look up"],
        ["Tra cứu hồ sơ", "Mã hồ sơ", "4 số cuối điện thoại của người nộp", "Tra cứu"],
    ),
]

# Vietnamese letters that never occur in English text.
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.I)


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    text = re.sub(r"<[^>]+>", "\n", html)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def get(client, url: str, lang: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert response["Content-Language"] == lang
    return response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "english", "vietnamese"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_english(client, url, english, vietnamese):
    html = get(client, url, "en")
    text = visible_text(html)
    assert '<html lang="en"' in html
    for s in english:
        assert s in text, f"{s!r} missing from {url} in English"
    for s in vietnamese:
        assert s not in text, f"{s!r} left untranslated on {url}"
    # Nothing Vietnamese is left apart from data (the province name) and the
    # language switcher's own name for Vietnamese.
    rest = text.replace(settings.PROVINCE_NAME, "").replace("Tiếng Việt", "")
    leftovers = [line for line in rest.splitlines() if VIETNAMESE.search(line)]
    assert not leftovers, f"untranslated text on {url}: {leftovers}"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "english", "vietnamese"), PAGES, ids=[p[0] for p in PAGES])
def test_page_in_vietnamese(client, url, english, vietnamese):
    html = get(client, url, "vi")
    text = visible_text(html)
    assert '<html lang="vi"' in html
    for s in vietnamese:
        assert s in text, f"{s!r} missing from {url} in Vietnamese"
    for s in english:
        if s == "VNeID":  # a name, the same in both languages
            continue
        assert s not in text, f"English {s!r} shown on {url} in Vietnamese"
