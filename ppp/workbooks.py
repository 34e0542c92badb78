"""Shared checks of an uploaded .xlsx workbook, made before openpyxl opens it: its size, that it is a
zip holding a workbook, and that it does not unpack to far more than its size (a zip bomb).
Every refusal is a ValidationFailed naming "file", in the reader's language."""

from __future__ import annotations

import io
import zipfile

from django.utils.formats import get_format
from django.utils.translation import gettext as _

from ppp.errors import ValidationFailed

EXPANSION_LIMIT = 20  # a workbook may unpack to at most this many times its size


def local_number(number: str) -> str:
    """A number written with a point ("1.5") as the active language writes it ("1,5")."""
    return number.replace(".", get_format("DECIMAL_SEPARATOR"))


def size_text(size: int) -> str:
    """5 MB, 1.5 MB, 300 KB: a limit as a person would say it (1,5 MB in Vietnamese)."""
    if size >= 1024 * 1024:
        return local_number(f"{size / (1024 * 1024):.1f}".removesuffix(".0")) + " MB"
    return f"{size / 1024:.0f} KB"


def file_error(code: str, message: str) -> ValidationFailed:
    return ValidationFailed(
        code, _("The file cannot be imported: %(problem)s.") % {"problem": message}, {"file": message}
    )


def not_a_workbook() -> str:
    return _("not an .xlsx workbook (save it from Excel or LibreOffice as .xlsx)")


def check_xlsx(data: bytes, *, max_bytes: int, code: str) -> None:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise file_error(code, _("not an .xlsx workbook"))
    if len(data) > max_bytes:
        raise file_error(code, _("larger than the %(limit)s limit") % {"limit": size_text(max_bytes)})
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_error(code, not_a_workbook()) from None
    if "xl/workbook.xml" not in {part.filename for part in parts}:
        raise file_error(code, not_a_workbook())
    if sum(part.file_size for part in parts) > max_bytes * EXPANSION_LIMIT:
        raise file_error(
            code,
            _("the workbook unpacks to more than %(limit)s")
            % {"limit": size_text(max_bytes * EXPANSION_LIMIT)},
        )
