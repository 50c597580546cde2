import pytest

from sandbox.sms.phones import InvalidPhoneNumber, mask_phone, normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "0912345678",
        "0912 345 678",
        "0912.345.678",
        "+84912345678",
        "84912345678",
        "+84 91 234 5678",
        " 0912345678 ",
    ],
)
def test_it_normalises_common_forms_to_0xxxxxxxxx(raw):
    assert normalise_phone(raw) == "0912345678"


@pytest.mark.parametrize("raw", ["0321234567", "0861234567", "0701234567", "0561234567", "0591234567"])
def test_it_accepts_every_network_prefix_family(raw):
    assert normalise_phone(raw) == raw


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "abc",
        "091234567",
        "09123456789",
        "0241234567",
        "+14155552671",
        "0012345678",
        "0912-345-67a",
    ],
)
def test_it_rejects_what_is_not_a_vietnamese_mobile(raw):
    with pytest.raises(InvalidPhoneNumber):
        normalise_phone(raw)


def test_it_is_a_value_error():
    with pytest.raises(ValueError):
        normalise_phone("abc")


def test_it_masks_numbers_for_logs():
    assert mask_phone("0912345678") == "091****678"
    assert mask_phone("123") == "***"
