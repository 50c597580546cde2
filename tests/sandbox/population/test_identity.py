import datetime as dt
import random

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from sandbox.population.identity import (
    PROVINCE_CODES,
    check_consistency,
    is_valid_cmnd,
    is_valid_id_number,
    make_id_number,
)
from sandbox.population.models import Gender


@pytest.fixture(autouse=True)
def _vietnamese():
    # Messages are asserted in Vietnamese; a request in another test may leave the
    # thread's active language changed.
    with translation.override("vi"):
        yield


birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2399, 12, 31))
genders = st.sampled_from([Gender.MALE, Gender.FEMALE])
province_codes = st.sampled_from(sorted(PROVINCE_CODES))


def test_it_knows_the_63_card_province_codes():
    assert len(PROVINCE_CODES) == 63
    assert PROVINCE_CODES["001"] == "Hà Nội"
    assert PROVINCE_CODES["079"] == "Hồ Chí Minh"
    assert PROVINCE_CODES["033"] == "Hưng Yên"
    assert "003" not in PROVINCE_CODES


@pytest.mark.parametrize("value", ["001099012345", "079203000001", "096300999999"])
def test_it_accepts_well_formed_numbers(value):
    assert is_valid_id_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "00109901234",  # 11 digits
        "0010990123456",  # 13 digits
        "00109901234a",
        " 001099012345",
        "001099 12345",
        "003099012345",  # 003 is not a province code
        "000099012345",
        "097099012345",
        "００１０９９０１２３４５",  # full-width digits are not ASCII digits
        "001099０12345",
        "001099٠12345",  # Arabic-Indic zero
        "12345678",
    ],
)
def test_it_rejects_malformed_numbers(value):
    assert not is_valid_id_number(value)


def test_it_finds_the_demo_person_consistent():
    assert check_consistency("001099012345", dt.date(1999, 5, 12), Gender.MALE) == []


def test_it_reports_a_gender_mismatch_in_vietnamese():
    errors = check_consistency("001099012345", dt.date(1999, 5, 12), Gender.FEMALE)
    assert errors == ["Giới tính không khớp với số định danh cá nhân"]


def test_it_reports_a_century_mismatch():
    # Digit 2 means male born in the 2000s.
    errors = check_consistency("001299012345", dt.date(1999, 5, 12), Gender.MALE)
    assert errors == ["Thế kỷ sinh không khớp với số định danh cá nhân"]


def test_it_reports_a_year_mismatch():
    errors = check_consistency("001098012345", dt.date(1999, 5, 12), Gender.MALE)
    assert errors == ["Năm sinh không khớp với số định danh cá nhân"]


def test_it_reports_a_malformed_number_and_nothing_else():
    assert check_consistency("12345", dt.date(1999, 5, 12), Gender.MALE) == [
        "Số định danh cá nhân phải đúng 12 ký tự số"
    ]


def test_it_reports_an_unknown_province_code():
    errors = check_consistency("003099012345", dt.date(1999, 5, 12), Gender.MALE)
    assert errors == ["Mã tỉnh nơi đăng ký khai sinh (003) không hợp lệ"]


def test_it_reports_an_unknown_gender():
    errors = check_consistency("001099012345", dt.date(1999, 5, 12), "X")
    assert errors == ["Giới tính không hợp lệ"]


@pytest.mark.parametrize(
    ("digit", "year", "gender"),
    [
        ("0", 1950, Gender.MALE),
        ("1", 1950, Gender.FEMALE),
        ("2", 2005, Gender.MALE),
        ("3", 2005, Gender.FEMALE),
        ("4", 2105, Gender.MALE),
        ("5", 2105, Gender.FEMALE),
        ("8", 2305, Gender.MALE),
        ("9", 2305, Gender.FEMALE),
    ],
)
def test_it_reads_gender_and_century_from_the_fourth_digit(digit, year, gender):
    number = f"001{digit}{year % 100:02d}000001"
    assert check_consistency(number, dt.date(year, 1, 1), gender) == []


@given(province=province_codes, birth_date=birth_dates, gender=genders, seed=st.integers())
def test_it_makes_numbers_that_validate_and_are_consistent(province, birth_date, gender, seed):
    number = make_id_number(province, birth_date, gender, random.Random(seed))
    assert is_valid_id_number(number)
    assert number.startswith(province)
    assert check_consistency(number, birth_date, gender) == []


@given(birth_date=birth_dates, gender=genders)
def test_it_flags_the_other_gender_for_any_made_number(birth_date, gender):
    other = Gender.FEMALE if gender == Gender.MALE else Gender.MALE
    number = make_id_number("001", birth_date, gender, random.Random(0))
    assert "Giới tính không khớp với số định danh cá nhân" in check_consistency(number, birth_date, other)


def test_it_refuses_to_make_a_number_for_an_unknown_province():
    with pytest.raises(ValueError):
        make_id_number("003", dt.date(1999, 1, 1), Gender.MALE, random.Random(0))


def test_it_refuses_to_make_a_number_outside_the_supported_centuries():
    with pytest.raises(ValueError):
        make_id_number("001", dt.date(1899, 1, 1), Gender.MALE, random.Random(0))


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("123456789", True),
        ("12345678", False),
        ("1234567890", False),
        ("12345678a", False),
        ("", False),
        ("１２３４５６７８９", False),
    ],
)
def test_it_checks_cmnd_numbers_have_nine_digits(value, ok):
    assert is_valid_cmnd(value) is ok
