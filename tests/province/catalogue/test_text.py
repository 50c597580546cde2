from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from province.catalogue.text import fold, search_text, tokens


def test_it_folds_vietnamese_to_plain_lowercase():
    assert fold("Đăng ký khai sinh") == "dang ky khai sinh"
    assert fold("ĐỒNG THÁP, Hưng Yên, Thừa") == "dong thap, hung yen, thua"


def test_it_keeps_procedure_codes_as_one_token():
    assert tokens("  thủ tục 1.001193, KHAI-SINH. ") == ["thu", "tuc", "1.001193", "khai", "sinh"]


def test_it_builds_the_stored_search_text_from_several_parts():
    assert (
        search_text("1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch") == "1.001193 thu tuc dang ky khai sinh ho tich"
    )


@given(st.text())
def test_it_produces_ascii_tokens_from_any_text(text):
    for token in tokens(text):
        assert token and all(c.isascii() for c in token)
        assert token == fold(token)
