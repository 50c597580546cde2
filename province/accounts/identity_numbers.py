"""Vietnamese personal identity numbers: the 12-digit số định danh and the 9-digit CMND.

Số định danh cá nhân = 3-digit code of the province of birth registration + 1 digit for
gender and century (0/1 male/female 1900s, 2/3 2000s, … 8/9 2300s) + 2-digit birth year
+ 6 random digits (Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA). No check digit, so
validation is about structure and consistency with the person's birth date and gender.

Written by hand because no maintained library covers the format.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

# Province codes of Circular 07/2016/TT-BCA (still printed on cards after the 2025 merger).
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "001",  # Hà Nội
        "002",  # Hà Giang
        "004",  # Cao Bằng
        "006",  # Bắc Kạn
        "008",  # Tuyên Quang
        "010",  # Lào Cai
        "011",  # Điện Biên
        "012",  # Lai Châu
        "014",  # Sơn La
        "015",  # Yên Bái
        "017",  # Hòa Bình
        "019",  # Thái Nguyên
        "020",  # Lạng Sơn
        "022",  # Quảng Ninh
        "024",  # Bắc Giang
        "025",  # Phú Thọ
        "026",  # Vĩnh Phúc
        "027",  # Bắc Ninh
        "030",  # Hải Dương
        "031",  # Hải Phòng
        "033",  # Hưng Yên
        "034",  # Thái Bình
        "035",  # Hà Nam
        "036",  # Nam Định
        "037",  # Ninh Bình
        "038",  # Thanh Hóa
        "040",  # Nghệ An
        "042",  # Hà Tĩnh
        "044",  # Quảng Bình
        "045",  # Quảng Trị
        "046",  # Thừa Thiên Huế
        "048",  # Đà Nẵng
        "049",  # Quảng Nam
        "051",  # Quảng Ngãi
        "052",  # Bình Định
        "054",  # Phú Yên
        "056",  # Khánh Hòa
        "058",  # Ninh Thuận
        "060",  # Bình Thuận
        "062",  # Kon Tum
        "064",  # Gia Lai
        "066",  # Đắk Lắk
        "067",  # Đắk Nông
        "068",  # Lâm Đồng
        "070",  # Bình Phước
        "072",  # Tây Ninh
        "074",  # Bình Dương
        "075",  # Đồng Nai
        "077",  # Bà Rịa - Vũng Tàu
        "079",  # Hồ Chí Minh
        "080",  # Long An
        "082",  # Tiền Giang
        "083",  # Bến Tre
        "084",  # Trà Vinh
        "086",  # Vĩnh Long
        "087",  # Đồng Tháp
        "089",  # An Giang
        "091",  # Kiên Giang
        "092",  # Cần Thơ
        "093",  # Hậu Giang
        "094",  # Sóc Trăng
        "095",  # Bạc Liêu
        "096",  # Cà Mau
    }
)

_ID_RE = re.compile(r"\d{12}")
_CMND_RE = re.compile(r"\d{9}")
MALE = "Nam"
FEMALE = "Nữ"


def is_valid_cmnd(value: str) -> bool:
    return bool(_CMND_RE.fullmatch(value))


def id_number_errors(id_number: str, *, birth_date: dt.date | None = None, gender: str = "") -> list[str]:
    """What is wrong with the number (and its fit with the person), in Vietnamese."""
    if not _ID_RE.fullmatch(id_number):
        return [_("Số định danh cá nhân phải đúng 12 ký tự số")]
    errors: list[str] = []
    if id_number[:3] not in PROVINCE_CODES:
        errors.append(_("Mã tỉnh nơi đăng ký khai sinh (%(code)s) không hợp lệ") % {"code": id_number[:3]})
    digit = int(id_number[3])
    if gender in (MALE, FEMALE) and (FEMALE if digit % 2 else MALE) != gender:
        errors.append(_("Giới tính không khớp với số định danh cá nhân"))
    if birth_date is not None:
        century = 1900 + digit // 2 * 100
        if century != birth_date.year // 100 * 100:
            errors.append(_("Thế kỷ sinh không khớp với số định danh cá nhân"))
        if int(id_number[4:6]) != birth_date.year % 100:
            errors.append(_("Năm sinh không khớp với số định danh cá nhân"))
    return errors
