"""Validation and normalisation of the identifiers people type, paste and import.

Each `normalise_*` function takes what a person or a spreadsheet gave (full-width digits,
spaces, a lowercase x, +86, dashes) and returns the canonical form, or raises a
ValidationError whose message says what is wrong in the user's language.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 11643-1999: weights of the first 17 digits and the check character for sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
# Separators people put inside numbers: spaces of every width, dashes, dots, brackets.
SEPARATORS_RE = re.compile(r"[\s\-‐‑‒–—―.()（）]+")
# Middle dots used between the parts of minority and foreign names, folded to U+00B7.
NAME_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "∙": "·", "⋅": "·", "●": "·", "．": "·"})


def fold_width(text: str) -> str:
    """Full-width digits and letters (１２３ＡＢＣ) to their ASCII forms."""
    return unicodedata.normalize("NFKC", text)


def id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def id_birth_date(national_id: str) -> dt.date:
    return dt.date(int(national_id[6:10]), int(national_id[10:12]), int(national_id[12:14]))


def id_sex(national_id: str) -> str:
    """'M' or 'F' from the order code: odd for men, even for women."""
    return "M" if int(national_id[16]) % 2 else "F"


def normalise_national_id(raw: object) -> str:
    """An 18-character resident ID number, checked against GB 11643."""
    text = SEPARATORS_RE.sub("", fold_width(str(raw))).upper()
    if len(text) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d.") % {"count": len(text)},
            code="id_length",
        )
    if not (text[:17].isdigit() and (text[17].isdigit() or text[17] == "X")):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="id_format"
        )
    try:
        born = id_birth_date(text)
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number (%(digits)s) is not a real date.")
            % {"digits": text[6:14]},
            code="id_birth_date",
        ) from None
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        raise ValidationError(
            _("The birth date inside the ID number (%(date)s) is out of range.") % {"date": born},
            code="id_birth_date",
        )
    if id_check_char(text[:17]) != text[17]:
        raise ValidationError(
            _("The check digit of the ID number is wrong: check for a mistyped digit."),
            code="id_check_digit",
        )
    return text


def normalise_mobile(raw: object) -> str:
    """A mainland mobile number as 11 digits; +86, 0086, spaces and dashes are removed."""
    text = SEPARATORS_RE.sub("", fold_width(str(raw)))
    if text.startswith("+"):
        text = text[1:]
    if text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if not MOBILE_RE.match(text):
        raise ValidationError(
            _("A mobile number has 11 digits and starts with 13 to 19."), code="mobile"
        )
    return text


def normalise_name(raw: object) -> str:
    """A person's name: letters of any script (rare characters too), middle dots, spaces."""
    text = " ".join(unicodedata.normalize("NFC", str(raw)).translate(NAME_DOTS).split())
    text = re.sub(r"\s*·\s*", "·", text)
    if not text:
        raise ValidationError(_("The name is empty."), code="name_empty")
    if len(text) > 50:
        raise ValidationError(_("A name has at most 50 characters."), code="name_length")
    for char in text:
        if char in "· " or unicodedata.category(char).startswith(("L", "M")):
            continue
        raise ValidationError(
            _("The name contains a character that is not a letter: %(char)s") % {"char": char},
            code="name_char",
        )
    if text.startswith("·") or text.endswith("·"):
        raise ValidationError(_("A name cannot start or end with a middle dot."), code="name_dot")
    return text
