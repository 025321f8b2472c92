"""The register (花名册): the Excel template, the import (read → check → commit) and the export.

One declaration, `REGISTER_COLUMNS`, drives all of it. The flow is:

    residents_read(file)                 → (excel row number, {column key: raw cell value}), ...
    residents_check(rows, community=...) → ResidentsCheck(people to add, updates, unchanged,
                                           removed from the file, errors, row_count, digest)
    residents_import_apply(upload_or_file=...) → re-reads, re-checks, adds and changes all or nothing

A row whose ID number is already in the community's register is that person: the row updates
them (`residents_update` compares the two), so an exported register edited in Excel can be
imported again. People of the register the file leaves out are listed, never removed.

The page (`residents_import_views`) and the command line (`fangxian import residents`) both call
`residents_check`, so they report the same errors with the same words.

What arrives from community offices is messy: a title row and merged cells above the
header, full-width digits and spaces, a lowercase x, ID numbers that Excel turned into
numbers (and so cut to 15 significant digits), blank lines, a 序号 column, 100,000 rows.
Every bad row and field is reported, never only the first; nothing is written while any
row is bad.

The workbook's own words (headers, the vocabulary 户籍/常住/租户/流动 and 是/否, the
instructions sheet) are fixed Chinese: they are the file format that offices fill in, and
the reader must recognise them whatever the language of the page. Messages to the user go
through gettext with English source text.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import uuid
from dataclasses import dataclass, field
from typing import IO, Iterable, Iterator, NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from fangxian.core.models import AuditEvent
from fangxian.core.scope import Scope
from fangxian.core.services import audit_object, audit_record
from fangxian.core.validators import (
    fold_width,
    id_birth_date,
    id_check_char,
    id_sex,
    normalise_mobile,
    normalise_name,
    normalise_national_id,
)
from fangxian.core.workbook import WorkbookError, open_workbook, sheet_rows

from . import person_rules, residents_update, services
from .models import Community, Dwelling, Person, ResidentsImport
from .residents_columns import (  # noqa: F401 (re-exported: the register's columns are named here too)
    COLUMN_ORDER,
    COLUMNS_BY_KEY,
    FEMALE,
    KIND_ALIASES,
    KIND_VALUES,
    KIND_WORDS,
    MALE,
    NO,
    NO_WORDS,
    REGISTER_COLUMNS,
    SEX_WORDS,
    TAG_FIELDS,
    TAG_HEADERS,
    YES,
    YES_WORDS,
    Column,
)
from .residents_update import Known, RowUpdate

HEADER_SEARCH_ROWS = 10  # the header row is looked for among the first rows
TEMPLATE_ROWS = 20000  # rows of the template that get dropdowns
ERRORS_KEPT = 5000  # errors stored with an upload for the preview (the count is exact)
CHUNK = 900  # IDs per registry query (below SQLite's 999 variables)
BATCH_SIZE = 2000
MAX_UPLOAD_BYTES = 40 * 1024 * 1024

# A row whose name starts with this is the template's example and is skipped on read.
EXAMPLE_MARK = "【示例】"
EXAMPLE_RE = re.compile(r"^\s*[【\[(（]\s*(示例|例|example)\s*[】\])）]", re.IGNORECASE)
SCIENTIFIC_RE = re.compile(r"^\d(\.\d+)?e\+?\d+$", re.IGNORECASE)
DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
MONTH_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")  # 出生年月: 1980.05, 1980年5月
BRACKETED_RE = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")
HEADER_JUNK_RE = re.compile(r"[\s*:]+")


def _header_key(text: object) -> str:
    """A header as compared: width-folded, without notes in brackets, spaces, * or colons."""
    text = fold_width(str(text))
    stripped = HEADER_JUNK_RE.sub("", BRACKETED_RE.sub("", text))
    return (stripped or HEADER_JUNK_RE.sub("", text)).casefold()


@functools.cache
def _header_map() -> dict[str, str]:
    """Every accepted header (Chinese, English, aliases, translations) → column key."""
    found: dict[str, str] = {}
    for column in REGISTER_COLUMNS:
        names = [column.header, *column.aliases]
        if column.type == "yesno":
            names += ["是否" + name for name in names]
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.append(str(column.english))
        for name in names:
            found.setdefault(_header_key(name), column.key)
    return found


# --------------------------------------------------------------------------------------
# Errors and results
# --------------------------------------------------------------------------------------


class RowError(NamedTuple):
    row: int  # the Excel row number the user sees (0: the file as a whole)
    field_label: str  # the column as the file names it ("" for the whole row or file)
    message: str
    field: str = ""  # the column key, for programs

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field_label, "key": self.field, "message": self.message}


class ResidentsFileError(Exception):
    """The file cannot be read as a register at all (not .xlsx, no header row, columns missing)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass
class ResidentsCheck:
    people: list[Person] = field(default_factory=list)  # new to the register, unsaved
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    updates: list[RowUpdate] = field(default_factory=list)  # rows that change a registered person
    unchanged: list[tuple[int, Known]] = field(default_factory=list)  # (row, person) the file leaves as they are
    removed: list[Known] = field(default_factory=list)  # in the register, not in the file: listed only
    row_of_id: dict[str, int] = field(default_factory=dict)
    digest: str = ""  # the register as it was checked against (residents_update.register_digest)
    places: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # dwelling → estate, building, room

    @property
    def ok(self) -> bool:
        return not self.errors and self.row_count > 0

    @property
    def has_work(self) -> bool:
        """Something to write: people to add or to change."""
        return bool(self.people or self.updates)

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})


class ResidentsImportRejected(ValidationError):
    """residents_import_commit refused: the check found errors (in `.check.errors`); nothing was written."""

    def __init__(self, check: ResidentsCheck, message: str | None = None):
        super().__init__(message or _("The register has errors; nothing was imported."))
        self.check = check


# --------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _open_workbook(fileobj):
    try:
        return open_workbook(fileobj)
    except WorkbookError as exc:
        raise ResidentsFileError([RowError(0, "", exc.message)]) from None


def _find_header(first_rows: list[tuple]) -> tuple[int, dict[int, str]] | None:
    """The header block among the first rows: (index of its last row, {column index: key}).

    A header may span two rows (a merged 基本信息 cell above 姓名, 性别 ...; or 姓名 merged
    down over two rows beside 住址 split into 小区, 楼栋, 房号): per column, the cell that
    names a known column in any row of the block is taken, the lowest one winning.
    """
    header_map = _header_map()
    matches: list[dict[int, str]] = []
    filled: list[set[int]] = []
    for values in first_rows:
        found, cells = {}, set()
        for index, value in enumerate(values):
            if _is_blank(value):
                continue
            cells.add(index)
            if isinstance(value, str):
                key = header_map.get(_header_key(value))
                if key is not None:
                    found[index] = key
        matches.append(found)
        filled.append(cells)
    best = max(range(len(matches)), key=lambda i: (len(matches[i]), -i), default=None)
    if best is None or len(matches[best]) < 2:
        return None

    named = set(matches[best])

    def continues_header(i: int, *, above: bool) -> bool:
        """Whether a neighbouring row is part of the header (merged cells above or below).

        It must name only columns that the best row does not name. Below the best row (sub-headers
        under a merged 住址) it must be mostly names: a data row is mostly values, and is
        never swallowed. Above it (group labels such as 基本信息 over 姓名...) it may instead
        touch few of the best row's named columns, one label per group.
        """
        if not matches[i] or set(matches[i]) & named:
            return False
        mostly_names = 2 * len(matches[i]) >= len(filled[i])
        few_labels = 2 * len(filled[i] & named) < len(named)
        return mostly_names or (above and few_labels)

    top = bottom = best
    while top > 0 and continues_header(top - 1, above=True):
        top -= 1
    while bottom + 1 < len(matches) and continues_header(bottom + 1, above=False):
        bottom += 1
    columns: dict[int, str] = {}
    for found in matches[top : bottom + 1]:
        columns.update(found)
    # The same column named twice (手机号 and 联系电话): the leftmost one counts.
    seen: set[str] = set()
    for index in sorted(columns):
        if columns[index] in seen:
            del columns[index]
        else:
            seen.add(columns[index])
    return bottom, columns


def residents_read(fileobj) -> Iterator[tuple[int, dict]]:
    """The data rows of a register workbook: (Excel row number, {column key: cell value}).

    Raises ResidentsFileError (when iterated) if the file is not a workbook, has no header
    row in its first rows, or lacks a required column. Blank lines and the template's
    example row are skipped.
    """
    workbook = _open_workbook(fileobj)
    try:
        yield from _sheet_records(workbook)
    except WorkbookError as exc:  # a sheet that breaks off while its rows are read
        raise ResidentsFileError([RowError(0, "", exc.message)]) from None
    finally:
        workbook.close()


def _sheet_records(workbook) -> Iterator[tuple[int, dict]]:
    """The records of the first sheet that has the register's header row."""
    for sheet in workbook.worksheets:
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        # Files written by some programs declare wrong dimensions; read what is there.
        sheet.reset_dimensions()
        rows = sheet_rows(sheet)
        first_rows = []
        for values in rows:
            first_rows.append(values)
            if len(first_rows) == HEADER_SEARCH_ROWS:
                break
        header = _find_header(first_rows)
        if header is None:
            continue
        header_index, columns = header
        header_row = header_index + 1
        present = set(columns.values())
        missing = [c for c in REGISTER_COLUMNS if c.required and c.key not in present]
        if missing:
            raise ResidentsFileError([
                RowError(header_row, c.label, _("This required column is missing from the header row."), c.key)
                for c in missing
            ])
        items = sorted(columns.items())

        def rows_after_header():
            for number, values in enumerate(first_rows[header_index + 1 :], start=header_row + 1):
                yield number, values
            yield from enumerate(rows, start=len(first_rows) + 1)

        for number, values in rows_after_header():
            width = len(values)
            record = {key: (values[i] if i < width else None) for i, key in items}
            if all(_is_blank(v) for v in record.values()):
                continue
            name = record.get("name")
            if isinstance(name, str) and EXAMPLE_RE.match(name):
                continue
            yield number, record
        return
    raise ResidentsFileError([RowError(0, "", _(
        "No header row was found in the first %(count)d rows. The register needs a row of column "
        "names such as %(columns)s; download the template to see them."
    ) % {"count": HEADER_SEARCH_ROWS, "columns": "、".join(c.header for c in REGISTER_COLUMNS if c.required)})])


# --------------------------------------------------------------------------------------
# Checking
# --------------------------------------------------------------------------------------


def _text(value: object) -> str:
    """A cell as text: numbers without a trailing .0, widths folded, spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(fold_width(str(value)).split())


def _place_key(value: object) -> str:
    """A place name as compared: no spaces at all, width-folded, case-folded."""
    return "".join(_text(value).split()).casefold()


def _parse_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if 18000101 <= number <= 29991231:  # 19800517 typed as a number
            return dt.date(number // 10000, number // 100 % 100, number % 100)
        return from_excel(value).date()  # a date cell without a date format: a serial number
    text = _text(value)
    match = DATE_RE.match(text)
    if match:
        return dt.date(*map(int, match.groups()))
    if len(text) == 8 and text.isdigit():
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    raise ValueError(text)


_YES_NO_EXACT = {None: False, "": False, YES: True, NO: False, True: True, False: False}


def _yes_no(value: object) -> bool | None:
    """True, False, or None when the text is neither."""
    try:
        return _YES_NO_EXACT[value]  # the common case, without any text work
    except KeyError:
        pass
    text = _text(value).casefold()
    if text in YES_WORDS:
        return True
    if text in NO_WORDS or not text:
        return False
    return None


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _dwelling_index(community: Community):
    """One query: estate → building → room → dwelling pk, keyed by normalised names; and each
    dwelling's names as the register writes them (for the update preview)."""
    estates: dict[str, str] = {}
    buildings: dict[tuple[str, str], str] = {}
    dwellings: dict[tuple[str, str, str], int] = {}
    places: dict[int, tuple[str, str, str]] = {}
    for estate_name in community.estates.values_list("name", flat=True):
        estates[_place_key(estate_name)] = estate_name
    rows = Dwelling.objects.filter(building__community=community).values_list(
        "pk", "building__estate__name", "building__name", "room"
    )
    for pk, estate_name, building_name, room in rows.iterator(chunk_size=5000):
        e, b = _place_key(estate_name), _place_key(building_name)
        estates.setdefault(e, estate_name)
        buildings.setdefault((e, b), building_name)
        dwellings[(e, b, _place_key(room))] = pk
        places[pk] = (estate_name, building_name, room)
    for estate_name, building_name in community.buildings.values_list("estate__name", "name"):
        buildings.setdefault((_place_key(estate_name), _place_key(building_name)), building_name)
    return estates, buildings, dwellings, places


def residents_check(rows: Iterable[tuple[int, dict]], *, community: Community) -> ResidentsCheck:
    """Check every row and field; return the unsaved new people, the changes to registered
    people, the unchanged rows, the registered people the file leaves out, and every error found.

    Queries: one for the community's dwellings (and two small ones for its estates and
    buildings), one for the community's people, then one per 900 new ID numbers against the
    rest of the subdistrict's registry.
    """
    result = ResidentsCheck()
    errors = result.errors
    estates, buildings, dwellings, places = _dwelling_index(community)
    result.places = places
    state = residents_update.register_state(community)
    result.digest = state.digest
    first_row_of_id = result.row_of_id
    label = {c.key: c.label for c in REGISTER_COLUMNS}
    required_msg = _("This value is required.")
    kind_choices = "、".join(KIND_VALUES)
    subdistrict_id, community_id = community.subdistrict_id, community.pk

    def error(row: int, key: str, message: str) -> None:
        errors.append(RowError(row, label.get(key, ""), message, key))

    place_keys: dict[object, str] = {}  # estate, building and room names repeat: fold each once

    def place_key(raw: object) -> str:
        key = place_keys.get(raw)
        if key is None:
            key = place_keys[raw] = _place_key(raw)
        return key

    try:
        for number, record in rows:
            result.row_count += 1
            bad = False
            get = record.get

            # Name
            raw = get("name")
            name = ""
            if _is_blank(raw):
                error(number, "name", required_msg)
                bad = True
            else:
                try:
                    name = normalise_name(_text(raw))
                except ValidationError as exc:
                    error(number, "name", _messages(exc))
                    bad = True

            # ID number
            raw = get("national_id")
            national_id = ""
            if _is_blank(raw):
                error(number, "national_id", required_msg)
                bad = True
            elif isinstance(raw, (int, float)) and not isinstance(raw, bool) or (
                isinstance(raw, str) and SCIENTIFIC_RE.match("".join(fold_width(raw).split()))
            ):
                error(number, "national_id", _(
                    "The ID number was stored by Excel as a number and lost its last digits; "
                    "format the column as text and type it again."
                ))
                bad = True
            else:
                try:
                    national_id = normalise_national_id(raw)
                except ValidationError as exc:
                    error(number, "national_id", _messages(exc))
                    bad = True
            if national_id:
                first = first_row_of_id.get(national_id)
                if first is not None:
                    error(number, "national_id", _("The same ID number is on rows %(first)d and %(row)d.")
                          % {"first": first, "row": number})
                    bad = True
                else:
                    first_row_of_id[national_id] = number

            # Sex and birth date: taken from the ID number; when given they must agree with it.
            sex = id_sex(national_id) if national_id else ""
            raw = get("sex")
            if not _is_blank(raw):
                given = SEX_WORDS.get(_text(raw).casefold())
                if given is None:
                    error(number, "sex", _("Use %(male)s or %(female)s, not “%(value)s”.")
                          % {"male": MALE, "female": FEMALE, "value": _text(raw)})
                    bad = True
                elif sex and (fault := person_rules.sex_fault(national_id, given, male=MALE, female=FEMALE)):
                    error(number, "sex", fault)
                    bad = True
            birth_date = id_birth_date(national_id) if national_id else None
            raw = get("birth_date")
            month = MONTH_RE.match(_text(raw)) if isinstance(raw, str) else None
            if month:  # a year and a month only: they must agree with the ID number's
                year_month = (int(month.group(1)), int(month.group(2)))
                if birth_date and (fault := person_rules.birth_date_fault(national_id, birth_date,
                                                                          month_given=year_month)):
                    error(number, "birth_date", fault)
                    bad = True
            elif not _is_blank(raw):
                try:
                    given_date = _parse_date(raw)
                except (ValueError, OverflowError):
                    error(number, "birth_date", _("“%(value)s” is not a date; write it like 1980-05-17.")
                          % {"value": _text(raw)})
                    bad = True
                else:
                    if birth_date and (fault := person_rules.birth_date_fault(national_id, given_date)):
                        error(number, "birth_date", fault)
                        bad = True

            # Mobile
            raw = get("phone")
            phone = ""
            if not _is_blank(raw):
                try:
                    phone = normalise_mobile(_text(raw))
                except ValidationError as exc:
                    error(number, "phone", _messages(exc))
                    bad = True

            # Kind
            raw = get("kind")
            kind = None
            if _is_blank(raw):
                error(number, "kind", required_msg)
                bad = True
            else:
                kind = KIND_VALUES.get(raw)
                text = "".join(_text(raw).split()) if kind is None else raw
                text = KIND_ALIASES.get(text, text)
                kind = kind or KIND_VALUES.get(text)
                if kind is None and text.lower() in Person.Kind.values:
                    kind = text.lower()
                if kind is None:
                    error(number, "kind", _("Unknown person type “%(value)s”: use one of %(choices)s.")
                          % {"value": _text(raw), "choices": kind_choices})
                    bad = True

            # Estate, building, room → dwelling
            dwelling_id = None
            parts = {}
            for key in ("estate", "building", "room"):
                raw = get(key)
                if _is_blank(raw):
                    error(number, key, required_msg)
                    bad = True
                elif key == "room" and (fault := person_rules.room_fault(_text(raw))):
                    error(number, key, fault)  # too long, or characters no room name has
                    bad = True
                else:
                    parts[key] = place_key(raw)
            if "estate" in parts:
                e = parts["estate"]
                if e not in estates:
                    error(number, "estate", _("There is no estate named “%(name)s” in this community.")
                          % {"name": _text(get("estate"))})
                    bad = True
                elif "building" in parts:
                    b = parts["building"]
                    if (e, b) not in buildings:
                        error(number, "building", _("There is no building “%(building)s” in %(estate)s.")
                              % {"building": _text(get("building")), "estate": estates[e]})
                        bad = True
                    elif "room" in parts:
                        dwelling_id = dwellings.get((e, b, parts["room"]))
                        if dwelling_id is None:
                            error(number, "room", _(
                                "There is no room “%(room)s” in %(estate)s %(building)s."
                            ) % {"room": _text(get("room")), "estate": estates[e], "building": buildings[(e, b)]})
                            bad = True

            # Tags and the no-smartphone flag
            flags = {}
            for key in (*TAG_FIELDS, "no_smartphone"):
                raw = get(key)
                value = _yes_no(raw)
                if value is None:
                    error(number, key, _("Use %(yes)s or %(no)s, not “%(value)s”.")
                          % {"yes": YES, "no": NO, "value": _text(raw)})
                    bad = True
                else:
                    flags[key] = value

            if bad:
                continue
            known = state.people.get(national_id)
            if known is None:
                result.people.append(Person(
                    subdistrict_id=subdistrict_id,
                    community_id=community_id,
                    dwelling_id=dwelling_id,
                    name=name,
                    sex=sex,
                    birth_date=birth_date,
                    national_id=national_id,
                    phone=phone,
                    kind=kind,
                    **flags,
                ))
                continue
            # Already in this community's register: the row is that person, perhaps changed.
            given = {
                "name": name, "phone": phone, "kind": kind, "dwelling_id": dwelling_id, **flags,
                "sex": sex if not _is_blank(get("sex")) else "",
                "birth_date": birth_date if not _is_blank(get("birth_date")) else None,
            }
            update = residents_update.row_changes(known, given, present=set(record), places=places, row=number)
            if update.changes:
                result.updates.append(update)
            else:
                result.unchanged.append((number, known))
    except ResidentsFileError as exc:
        errors.extend(exc.errors)
        result.people.clear()
        result.updates.clear()
        result.unchanged.clear()
        return result

    # Against the rest of the subdistrict's registry: one query per CHUNK new ID numbers.
    ids = [national_id for national_id in first_row_of_id if national_id not in state.people]
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = Person.objects.filter(subdistrict_id=subdistrict_id, national_id__in=chunk).exclude(
            community_id=community_id).values_list("national_id", flat=True)
        for national_id in found:
            error(first_row_of_id[national_id], "national_id", person_rules.already_registered(same_community=False))
    if errors:
        bad_rows = {e.row for e in errors}
        result.people = [p for p in result.people if first_row_of_id.get(p.national_id) not in bad_rows]
        errors.sort(key=lambda e: (e.row, COLUMN_ORDER.get(e.field, -1)))
    elif result.row_count == 0:
        errors.append(RowError(0, "", _("The register has no rows of people.")))
    else:
        result.removed = sorted((k for k in state.people.values() if k.national_id not in first_row_of_id),
                                key=lambda k: (k.name, k.pk))
    return result


# --------------------------------------------------------------------------------------
# Upload, commit, discard
# --------------------------------------------------------------------------------------


def _open_source(source):
    """A readable binary file for a ResidentsImport, a Django File, a path or a file object."""
    if isinstance(source, ResidentsImport):
        if not source.file:
            raise ResidentsFileError([RowError(0, "", _("The uploaded file is no longer kept; upload it again."))])
        source.file.open("rb")
        return source.file
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        return open(source, "rb")
    return source


def residents_check_file(source, *, community: Community) -> ResidentsCheck:
    """Read and check a register from an upload, a path or a file object."""
    try:
        handle = _open_source(source)
    except ResidentsFileError as exc:
        return ResidentsCheck(errors=list(exc.errors))
    try:
        return residents_check(residents_read(handle), community=community)
    finally:
        if handle is not source:
            handle.close()


def residents_import_upload_check(
    *, community: Community, user, uploaded_file: IO[bytes], original_name: str = ""
) -> ResidentsImport:
    """Store an uploaded register, check it and record the result for the preview.

    A file with errors can never be committed, so it is deleted at once (it holds
    personal data); its errors stay for the preview.
    """
    name = original_name or getattr(uploaded_file, "name", "") or "residents_import.xlsx"
    upload = ResidentsImport(community=community, uploaded_by=user if getattr(user, "pk", None) else None,
                          original_name=str(name)[-200:])
    upload.file.save(f"{uuid.uuid4().hex}.xlsx", File(uploaded_file), save=False)
    check = residents_check_file(upload, community=community)
    _record_check(upload, check)
    if check.errors:
        upload.file.delete(save=False)
    upload.save()
    return upload


def _record_check(upload: ResidentsImport, check: ResidentsCheck) -> None:
    upload.row_count = check.row_count
    upload.error_count = len(check.errors)
    upload.errors = [e.as_dict() for e in check.errors[:ERRORS_KEPT]]
    upload.plan = residents_update.plan_of(check, check.places) if check.ok else {}
    upload.register_digest = check.digest


class Applied(NamedTuple):
    """What a commit wrote."""

    added: int
    changed: int

    @property
    def total(self) -> int:
        return self.added + self.changed


def _register_changed() -> str:
    return _("The community's register changed after this file was checked (someone added or edited people), "
             "so nothing was imported. Upload the file again to see the changes as they are now.")


def residents_import_apply(*, upload_or_file, community: Community, user, scope: Scope | None = None) -> Applied:
    """Re-read and re-check the register, then add the new people and apply the changes to
    registered ones, all in one transaction.

    Refuses (ResidentsImportRejected, nothing written) if any row is bad, or if the register
    changed since the upload was checked (the preview would no longer say what happens). People
    of the register missing from the file are left as they are. Changes go through
    `services.person_update` (its rules, its audit), and each changed field is audited with its old
    and new value, masked. Given a ResidentsImport, it must still be `checked` and error-free; it
    becomes `committed` and its file is deleted. `scope`: the writer's (the command line: the system's).
    """
    scope = scope or Scope.everything()
    upload = upload_or_file if isinstance(upload_or_file, ResidentsImport) else None
    if upload is not None:
        if upload.community_id != community.pk:
            raise ValueError("the upload belongs to another community")
        if upload.status != ResidentsImport.Status.CHECKED or upload.error_count:
            raise ResidentsImportRejected(
                ResidentsCheck(), _("This register cannot be imported: it has errors or was already handled.")
            )
    check = residents_check_file(upload_or_file, community=community)
    if not check.ok:
        if upload is not None:
            _record_check(upload, check)
            upload.save(update_fields=["row_count", "error_count", "errors", "plan", "register_digest"])
            _delete_file(upload)
        raise ResidentsImportRejected(check)
    if upload is not None and check.digest != upload.register_digest:
        residents_import_discard(upload=upload)
        raise ResidentsImportRejected(ResidentsCheck(), _register_changed())
    if not check.has_work:
        return Applied(0, 0)
    try:
        with transaction.atomic():
            if upload is not None:
                # A second click, or a second office worker: only one commit of an upload.
                fresh = ResidentsImport.objects.select_for_update().get(pk=upload.pk)
                if fresh.status != ResidentsImport.Status.CHECKED:
                    raise ResidentsImportRejected(ResidentsCheck(), _("This register was already imported."))
            if residents_update.register_digest(community, lock=True) != check.digest:
                raise ResidentsImportRejected(ResidentsCheck(), _register_changed())
            Person.objects.bulk_create(check.people, batch_size=BATCH_SIZE)
            _apply_updates(check.updates, scope=scope, user=user)
            applied = Applied(len(check.people), len(check.updates))
            if upload is not None:
                upload.status = ResidentsImport.Status.COMMITTED
                upload.committed_at = timezone.now()
                upload.row_count = check.row_count
                upload.plan = residents_update.plan_counts_only(upload.plan)
                upload.save(update_fields=["status", "committed_at", "row_count", "plan"])
            audit_record(
                actor=user,
                action=AuditEvent.Action.IMPORT,
                target_type=ResidentsImport._meta.label if upload is not None else Person._meta.label,
                target_id=upload.pk if upload is not None else "",
                community_id=community.pk,
                detail=f"{applied.added} people, {applied.changed} changed",
            )
    except IntegrityError:
        # Someone registered one of these people between the check and the insert.
        raise ResidentsImportRejected(check, _(
            "Some of these people were registered while the register was being imported; nothing "
            "was imported. Upload the register again to see which."
        )) from None
    if upload is not None:
        _delete_file(upload)
    return applied


def _apply_updates(updates: list[RowUpdate], *, scope: Scope, user) -> None:
    """Each row's changes through the person service (inside the caller's transaction)."""
    people = Person.objects.select_related("dwelling__building").in_bulk([u.pk for u in updates])
    for update in updates:
        person = people[update.pk]
        try:
            services.person_update(scope=scope, user=user, person=person, data=update.data)
        except ValidationError as exc:
            raise ResidentsImportRejected(ResidentsCheck(), _("Row %(row)d: %(message)s") % {
                "row": update.row, "message": " ".join(exc.messages)}) from None
        for field_name, detail in update.audit_lines():
            audit_object(actor=user, action=AuditEvent.Action.UPDATE, obj=person, field=field_name, detail=detail)


def residents_import_commit(*, upload_or_file, community: Community, user, scope: Scope | None = None) -> int:
    """`residents_import_apply`, counted: the number of people added or changed."""
    return residents_import_apply(upload_or_file=upload_or_file, community=community, user=user, scope=scope).total


def _delete_file(upload: ResidentsImport) -> None:
    """Delete an upload's stored file (personal data) and forget its name."""
    if upload.file:
        upload.file.close()
        upload.file.delete(save=False)
        upload.save(update_fields=["file"])


def residents_import_discard(*, upload: ResidentsImport) -> None:
    """Abandon a checked upload: its file and its preview's names (personal data) are deleted."""
    if upload.status == ResidentsImport.Status.CHECKED:
        upload.status = ResidentsImport.Status.DISCARDED
        upload.plan = residents_update.plan_counts_only(upload.plan or {})
        upload.save(update_fields=["status", "plan"])
    _delete_file(upload)


def residents_import_discard_stale(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Discard checked uploads nobody committed: their files hold personal data. For the worker."""
    stale = ResidentsImport.objects.filter(status=ResidentsImport.Status.CHECKED,
                                           created_at__lt=timezone.now() - older_than)
    count = 0
    for upload in stale:
        residents_import_discard(upload=upload)
        count += 1
    return count


# --------------------------------------------------------------------------------------
# The template and the export
# --------------------------------------------------------------------------------------

INSTRUCTIONS = (
    "花名册填写说明",
    "",
    "1. 第一个工作表“花名册”第 1 行是标题，第 2 行是列名；请勿修改列名，从第 3 行起每行填写一个人。",
    "2. 带 * 的列必须填写：姓名、身份证号、人员类型、小区、楼栋、房号。",
    "3. 身份证号：18 位，最后一位可以是 X。本列已设为“文本”格式，请勿改成数字格式——"
    "Excel 会把 18 位数字显示成 4.40307E+17 并丢掉最后几位，导入时会报错。",
    "   从其他表格粘贴时，请使用“选择性粘贴 → 值”，或先把目标列设为文本再粘贴。",
    "4. 性别、出生日期可以不填，系统按身份证号识别；如果填写，必须与身份证号一致。",
    "5. 手机号：11 位，可以不填；带 +86、空格或短横线都可以，系统会自动整理。",
    "6. 人员类型：户籍、常住、租户、流动，四选一（单元格有下拉选项）。",
    "7. 小区、楼栋、房号必须与系统中本社区已登记的房屋一致（名称相同）。房屋不存在时，请先在系统中登记房屋。",
    "8. 孤寡老人、残疾人、困难儿童、特困人员、党员、无智能手机：填“是”或“否”，空白视为“否”。",
    "9. 全角数字、全角空格、小写 x 会自动转换；空行会被跳过；表头上方的标题行、合并单元格都可以保留。",
    "10. 姓名以“【示例】”开头的行是示例，导入时会被忽略，可以删除也可以保留。",
    "11. 同一身份证号在本街道只能登记一次；文件内重复或已在系统中登记的人员会被列出。",
    "12. 上传后系统会逐行检查并列出所有有问题的行和列；全部改正后才能导入。"
    "导入是“要么全部导入，要么一条也不导入”。",
    "13. 花名册含有个人信息，请妥善保管；导入完成后系统不保留上传的文件。",
)


def _column_letter(index: int) -> str:
    return get_column_letter(index + 1)


def residents_import_template() -> bytes:
    """The .xlsx template: a title row, the header row, an example row, dropdowns, instructions."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    last = _column_letter(len(REGISTER_COLUMNS) - 1)

    sheet["A1"] = "居民花名册（填写说明见“填写说明”工作表；带 * 的列必填）"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A1"].alignment = Alignment(horizontal="left", vertical="center")
    sheet.merge_cells(f"A1:{last}1")
    sheet.row_dimensions[1].height = 26

    header_fill = PatternFill("solid", fgColor="EEF0F3")
    example_id17 = "44030719800517001"
    example = {
        "name": EXAMPLE_MARK + "张三", "sex": MALE, "birth_date": dt.date(1980, 5, 17),
        "national_id": example_id17 + id_check_char(example_id17), "phone": "13800138000", "kind": "常住",
        "estate": "海景花园", "building": "1栋", "room": "101", "no_smartphone": NO,
        **{name: NO for name in TAG_FIELDS},
    }
    example_font = Font(italic=True, color="808080")
    for index, column in enumerate(REGISTER_COLUMNS):
        letter = _column_letter(index)
        cell = sheet.cell(row=2, column=index + 1, value=column.header + ("*" if column.required else ""))
        cell.font = Font(bold=True, color="B3261E" if column.required else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center")
        sheet.column_dimensions[letter].width = column.width
        example_cell = sheet.cell(row=3, column=index + 1, value=example[column.key])
        example_cell.font = example_font
        if column.type in ("id", "phone"):
            # Text, so that Excel keeps all 18 digits (and a leading zero, a trailing X).
            sheet.column_dimensions[letter].number_format = "@"
            example_cell.number_format = "@"
        elif column.type == "date":
            sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
            example_cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"

    def dropdown(values: list[str], keys: list[str], prompt: str) -> None:
        validation = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        validation.error = prompt
        validation.errorTitle = "输入有误"
        validation.prompt = prompt
        validation.showErrorMessage = True
        for key in keys:
            letter = _column_letter(COLUMN_ORDER[key])
            validation.add(f"{letter}3:{letter}{TEMPLATE_ROWS}")
        sheet.add_data_validation(validation)

    dropdown(list(KIND_VALUES), ["kind"], "请选择：" + "、".join(KIND_VALUES))
    dropdown([YES, NO], [*TAG_FIELDS, "no_smartphone"], "请选择：是 或 否")
    dropdown([MALE, FEMALE], ["sex"], "请选择：男 或 女（可不填，按身份证号识别）")

    notes = workbook.create_sheet("填写说明")
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90
    row = 1
    for line in INSTRUCTIONS:
        notes.cell(row=row, column=1, value=line)
        row += 1
    notes["A1"].font = Font(bold=True, size=14)
    row += 1
    for col, title in enumerate(("列名", "是否必填", "说明"), start=1):
        notes.cell(row=row, column=col, value=title).font = Font(bold=True)
    explanations = {
        "name": "可含“·”及少数民族文字",
        "sex": "男 / 女；不填则按身份证号",
        "birth_date": "如 1980-05-17；不填则按身份证号",
        "national_id": "18 位，文本格式",
        "phone": "11 位手机号",
        "kind": "户籍 / 常住 / 租户 / 流动",
        "estate": "与系统中的小区名称一致",
        "building": "与系统中的楼栋名称一致",
        "room": "与系统中的房号一致",
    }
    for column in REGISTER_COLUMNS:
        row += 1
        notes.cell(row=row, column=1, value=column.header)
        notes.cell(row=row, column=2, value="必填" if column.required else "选填")
        notes.cell(row=row, column=3, value=explanations.get(column.key, "是 / 否；空白视为“否”"))

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def people_export(queryset, *, unmasked: bool = False) -> bytes:
    """The given (already scoped and filtered) people as .xlsx, ID numbers and phones masked.

    `unmasked` (the admin's export for updating the register, audited by the caller): in full, as
    text cells, so that the file can be edited in Excel and imported again unchanged.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("花名册")
    for index, column in enumerate(REGISTER_COLUMNS):
        sheet.column_dimensions[_column_letter(index)].width = column.width
    sheet.append([c.header for c in REGISTER_COLUMNS])
    people = queryset.select_related("dwelling__building__estate")

    def text(value: str):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "@"  # Excel keeps all 18 digits (and a final X) of a text cell
        return cell

    def birth(value: dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell

    for person in people.iterator(chunk_size=2000):
        dwelling = person.dwelling
        building = dwelling.building if dwelling else None
        sheet.append([
            person.name,
            MALE if person.sex == "M" else FEMALE if person.sex == "F" else "",
            birth(person.birth_date) if unmasked else person.birth_date,
            text(person.national_id) if unmasked else person.national_id_masked,
            (text(person.phone) if person.phone else None) if unmasked else person.phone_masked,
            KIND_WORDS.get(person.kind, person.kind),
            building.estate.name if building else "",
            building.name if building else "",
            dwelling.room if dwelling else "",
            *(YES if getattr(person, name) else NO for name in TAG_FIELDS),
            YES if person.no_smartphone else NO,
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
