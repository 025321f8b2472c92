"""Opening an uploaded .xlsx safely: one function, one error with a message for the user.

Offices upload what they have: a half-finished download, an old .xls renamed, a zip of
something else, now and then a file made to attack XML parsers (an external entity, or
entities nested a billion times). `open_workbook` turns each of these into one
`WorkbookError` whose message says what is wrong and what to do; it never lets a parser's
exception reach a page (a 500) or the command line (a traceback).

openpyxl parses a read-only workbook lazily: a sheet cut in half fails only while its rows
are read, so the rows are read through `sheet_rows`, which reports the same way.

Two guards against hostile XML: every XML part is looked at before openpyxl parses it (Excel
never writes a DOCTYPE, so any DOCTYPE or ENTITY declaration is refused), and defusedxml,
which openpyxl uses when it is installed, refuses what the first look might miss.
"""

from __future__ import annotations

import zipfile
import zlib
from typing import IO, Iterator

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls files, and password-protected .xlsx
XML_SUFFIXES = (".xml", ".rels", ".vml")
PROLOG_BYTES = 4096  # a DOCTYPE can only stand before the root element, at the top of a part
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024  # far above any register; a zip bomb is refused before it unpacks
# What a damaged zip member raises when it is read.
ZIP_FAULTS = (zipfile.BadZipFile, zlib.error, EOFError, zipfile.LargeZipFile)


class WorkbookError(Exception):
    """The file cannot be read as a workbook; `message` says why, in the user's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def not_a_workbook_message() -> str:
    return _("This file is not an Excel workbook (.xlsx). Open it in Excel or WPS and save it as "
             "“Excel Workbook (*.xlsx)”, then upload it again.")


def _damaged_zip() -> WorkbookError:
    return WorkbookError(_(
        "The file is damaged: the workbook inside it is incomplete or corrupt, as after a broken "
        "download. Download or save it again, then upload the new copy."))


def _not_a_workbook_zip() -> WorkbookError:
    return WorkbookError(_(
        "This file is a zip archive but not an Excel workbook: there is no workbook inside it. Save the "
        "register in Excel or WPS as “Excel Workbook (*.xlsx)”, then upload it again."))


def _declarations() -> WorkbookError:
    return WorkbookError(_(
        "The workbook contains XML declarations (DOCTYPE or ENTITY) that Excel never writes, so it was "
        "refused for safety. Open it in Excel or WPS, save it again as .xlsx and upload that copy."))


def _damaged_workbook() -> WorkbookError:
    return WorkbookError(_(
        "The workbook is damaged and cannot be read (it may be cut off, as after a broken download). "
        "Open it in Excel or WPS, save it again and upload that copy."))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception and those it was raised from (openpyxl wraps a parser's error in a ValueError)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _fault(exc: BaseException, *, reading: str = "") -> WorkbookError:
    """The WorkbookError for an exception of openpyxl or of the zip and XML parsers under it."""
    causes = list(_causes(exc))
    if isinstance(exc, WorkbookError):
        return exc
    if any(isinstance(cause, DefusedXmlException) for cause in causes):
        return _declarations()
    if any(isinstance(cause, ZIP_FAULTS) for cause in causes):
        return _damaged_zip()
    if reading:
        return WorkbookError(_(
            "The sheet “%(sheet)s” is damaged and cannot be read to the end (it may be cut off, as after a "
            "broken download). Open the file in Excel or WPS, save it again and upload that copy."
        ) % {"sheet": reading})
    return _damaged_workbook()


def _check_archive(fileobj: IO[bytes]) -> None:
    """Refuse, before any XML parser sees it, what is not a zip of an unremarkable workbook."""
    head = fileobj.read(len(OLE_MAGIC))
    fileobj.seek(0)
    if not head:
        raise WorkbookError(_("The file is empty (0 bytes). Choose the register file again and upload it."))
    if head.startswith(OLE_MAGIC):
        raise WorkbookError(_(
            "This is an old Excel file (.xls) or a workbook protected by a password. Open it in Excel or WPS, "
            "remove any password and save it as “Excel Workbook (*.xlsx)”, then upload it again."))
    if not head.startswith(b"PK"):
        raise WorkbookError(not_a_workbook_message())
    try:
        archive = zipfile.ZipFile(fileobj)
    except (*ZIP_FAULTS, OSError, ValueError):
        raise _damaged_zip() from None
    try:
        members = archive.infolist()
        if "[Content_Types].xml" not in {m.filename for m in members}:
            raise _not_a_workbook_zip()
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise WorkbookError(_(
                "The workbook unpacks to more than %(mb)d MB; split the register into several files."
            ) % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)})
        for member in members:
            if not member.filename.lower().endswith(XML_SUFFIXES):
                continue
            with archive.open(member) as part:
                prolog = part.read(PROLOG_BYTES)
            # UTF-16 parts carry a zero byte after each ASCII one: drop them before looking.
            prolog = prolog.replace(b"\x00", b"").upper()
            if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
                raise _declarations()
    except WorkbookError:
        raise
    except (*ZIP_FAULTS, OSError, ValueError, NotImplementedError):
        raise _damaged_zip() from None
    finally:
        archive.close()
        fileobj.seek(0)


def open_workbook(fileobj: IO[bytes]):
    """The workbook of an uploaded file, read-only, values not formulas; WorkbookError if it cannot be read."""
    if hasattr(fileobj, "seek"):
        fileobj.seek(0)
    _check_archive(fileobj)
    try:
        return load_workbook(fileobj, read_only=True, data_only=True)
    except (InvalidFileException, KeyError):
        raise _not_a_workbook_zip() from None
    except Exception as exc:  # noqa: BLE001 - openpyxl meets broken parts with all kinds of errors; none may reach the user
        raise _fault(exc) from None


def sheet_rows(sheet) -> Iterator[tuple]:
    """The rows of a read-only sheet as value tuples; a sheet that breaks off raises WorkbookError."""
    rows = sheet.iter_rows(values_only=True)
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # noqa: BLE001 - the lazy parser fails here, with whatever the XML broke
            raise _fault(exc, reading=sheet.title) from None
        yield values
