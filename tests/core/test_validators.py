"""ID numbers, mobiles and names as people type them."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fangxian.core.personal import mask_national_id, mask_phone
from fangxian.core.validators import (
    id_check_char,
    normalise_mobile,
    normalise_name,
    normalise_national_id,
)

VALID_ID = "11010519491231002X"  # the example of GB 11643 itself


def test_it_accepts_the_standard_example_and_normalises_what_people_type():
    assert normalise_national_id(VALID_ID) == VALID_ID
    assert normalise_national_id("１１０１０５１９４９１２３１００２ｘ") == VALID_ID
    assert normalise_national_id(" 110105 19491231 002x ") == VALID_ID


@pytest.mark.parametrize(("value", "code"), [
    ("11010519491231002", "id_length"),
    ("1101051949123100XX", "id_format"),
    ("110105194913310021", "id_birth_date"),
    ("110105194912310021", "id_check_digit"),
    (4.40307198005171e17, "id_length"),
])
def test_it_names_what_is_wrong_with_an_id(value, code):
    with pytest.raises(ValidationError) as caught:
        normalise_national_id(value)
    assert caught.value.code == code


@given(st.dates(dt.date(1900, 1, 1), dt.date(2020, 12, 31)), st.integers(0, 999),
       st.sampled_from(["440307", "110105", "650102"]))
def test_it_accepts_every_id_with_a_right_check_digit_and_rejects_any_other(born, order, region):
    first17 = f"{region}{born:%Y%m%d}{order:03d}"
    right = id_check_char(first17)
    assert normalise_national_id(first17 + right) == first17 + right
    for wrong in set("0123456789X") - {right}:
        with pytest.raises(ValidationError):
            normalise_national_id(first17 + wrong)


@pytest.mark.parametrize("typed", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "138-1234-5678",
                                   "８６１３８１２３４５６７８", "(138) 1234 5678"])
def test_it_normalises_a_mobile(typed):
    assert normalise_mobile(typed) == "13812345678"


@pytest.mark.parametrize("typed", ["1381234567", "23812345678", "12812345678", "075512345678", "abc"])
def test_it_rejects_what_is_not_a_mobile(typed):
    with pytest.raises(ValidationError):
        normalise_mobile(typed)


@pytest.mark.parametrize(("typed", "stored"), [
    ("阿卜杜拉•艾买提", "阿卜杜拉·艾买提"),
    ("阿卜杜拉 · 艾买提", "阿卜杜拉·艾买提"),
    ("王䶮", "王䶮"),
    ("吉𠮷", "吉𠮷"),
    ("  欧阳  娜娜 ", "欧阳 娜娜"),
])
def test_it_keeps_minority_names_and_rare_characters(typed, stored):
    assert normalise_name(typed) == stored


@pytest.mark.parametrize("typed", ["", "张3", "·张三", "李<script>", "x" * 51])
def test_it_rejects_what_is_not_a_name(typed):
    with pytest.raises(ValidationError):
        normalise_name(typed)


def test_it_masks_ids_and_phones_keeping_the_ends():
    assert mask_national_id("440307198005170017") == "4403**********0017"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("") == ""
