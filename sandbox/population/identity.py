"""Vietnamese personal identity numbers: the 12-digit số định danh and the 9-digit CMND.

Số định danh cá nhân (printed on the CCCD card) = 3-digit code of the province of birth
registration + 1 digit for gender and century + 2-digit birth year + 6 random digits
(Decree 137/2015/NĐ-CP, Circular 07/2016/TT-BCA). There is no check digit, so validation
is about structure and consistency with the person's birth date and gender.

Written by hand because no maintained library covers the số định danh format.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from django.utils.translation import gettext as _

from .models import Gender

# The 63 province codes of Circular 07/2016/TT-BCA. They stay valid on cards issued before
# the 2025 merger of provinces, and the number never changes for a person.
PROVINCE_CODES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

FIRST_CENTURY = 1900  # digit pair 0/1 = 1900s, 2/3 = 2000s, ... up to 8/9 = 2300s
LAST_CENTURY = 2300

_ID_RE = re.compile(r"[0-9]{12}")  # ASCII only: \d also matches other scripts' digits
_CMND_RE = re.compile(r"[0-9]{9}")


def is_valid_id_number(value: str) -> bool:
    """True if ``value`` has the structure of a số định danh (12 digits, known province)."""
    return bool(_ID_RE.fullmatch(value)) and value[:3] in PROVINCE_CODES


def is_valid_cmnd(value: str) -> bool:
    """True if ``value`` has the structure of a legacy CMND number (9 digits)."""
    return bool(_CMND_RE.fullmatch(value))


def century_gender_digit(birth_date: dt.date, gender: str) -> int:
    """The 4th digit of the số định danh for this birth year and gender."""
    century = birth_date.year // 100 * 100
    if not FIRST_CENTURY <= century <= LAST_CENTURY:
        raise ValueError(f"birth year {birth_date.year} is outside 1900-2399")
    if gender not in Gender.values:
        raise ValueError(f"unknown gender {gender!r}")
    return (century - FIRST_CENTURY) // 100 * 2 + (1 if gender == Gender.FEMALE else 0)


def check_consistency(id_number: str, birth_date: dt.date, gender: str) -> list[str]:
    """Return what is wrong between the number and the person, in Vietnamese; [] if nothing."""
    if not _ID_RE.fullmatch(id_number):
        return [_("Số định danh cá nhân phải đúng 12 ký tự số")]
    errors: list[str] = []
    if id_number[:3] not in PROVINCE_CODES:
        errors.append(_("Mã tỉnh nơi đăng ký khai sinh (%(code)s) không hợp lệ") % {"code": id_number[:3]})
    digit = int(id_number[3])
    century = FIRST_CENTURY + digit // 2 * 100
    number_gender = Gender.FEMALE if digit % 2 else Gender.MALE
    if gender not in Gender.values:
        errors.append(_("Giới tính không hợp lệ"))
    elif number_gender != gender:
        errors.append(_("Giới tính không khớp với số định danh cá nhân"))
    if century != birth_date.year // 100 * 100:
        errors.append(_("Thế kỷ sinh không khớp với số định danh cá nhân"))
    if int(id_number[4:6]) != birth_date.year % 100:
        errors.append(_("Năm sinh không khớp với số định danh cá nhân"))
    return errors


def make_id_number(province_code: str, birth_date: dt.date, gender: str, rng: random.Random) -> str:
    """Build a số định danh consistent with the person; the last 6 digits come from ``rng``."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    digit = century_gender_digit(birth_date, gender)
    serial = rng.randrange(1_000_000)
    return f"{province_code}{digit}{birth_date.year % 100:02d}{serial:06d}"


def make_cmnd(rng: random.Random) -> str:
    """A 9-digit CMND-shaped number (the old cards had no public structure beyond that)."""
    return f"{rng.randrange(10_000_000, 400_000_000):09d}"
