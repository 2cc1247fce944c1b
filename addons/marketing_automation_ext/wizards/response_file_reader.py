"""Reading the rows of a file of campaign responses: CSV (separated by commas, semicolons or
tabs; UTF-8 with or without byte order mark, or Latin-1) or XLSX (its first sheet). Every
problem is refused with a message that names the file and the line."""

import codecs
import csv
import datetime
import io
import re
import unicodedata
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from odoo.exceptions import UserError

CSV_DELIMITERS = (",", ";", "\t")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# control characters that no text file holds (tabs and line ends may)
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# column role -> headings recognised, compared without case, accents nor punctuation
COLUMN_ALIASES = {
    "email": ("email", "e mail", "mail", "email address", "e mail address"),
    "reference": ("reference", "record", "record reference", "ref", "record id", "id"),
    "date": ("date", "response date", "received", "received on", "date received", "datetime"),
    "text": ("text", "response", "reply", "body", "message", "note", "comment", "content"),
}
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
)


def heading_key(heading):
    """``heading`` without case, accents, punctuation nor repeated spaces."""
    text = unicodedata.normalize("NFKD", str(heading or "")).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(text.split())


def parse_date(value):
    """A datetime of a cell (a datetime of the sheet, or a text in one of ``DATE_FORMATS``),
    None when empty; ValueError when it cannot be read."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, datetime.date):
        return datetime.datetime.combine(value, datetime.time())
    text = str(value).strip()
    if not text:
        return None
    for date_format in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, date_format)
        except ValueError:
            continue
    raise ValueError(text)


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime | datetime.date):
        return value
    return str(value).strip()


class ResponseFileReader:
    """The rows of one file: ``rows()`` gives (line number, [cell values]) from the header on;
    cells are texts, or datetimes in XLSX files."""

    def __init__(self, env, content, file_name=None):
        self.env = env
        self.content = content or b""
        self.label = file_name or env._("(unnamed)")

    def rows(self):
        content = self.content
        if not content.strip():
            raise UserError(self.env._("The file %(file)s is empty.", file=self.label))
        if content.startswith(ZIP_MAGIC):
            rows = self._read_xlsx()
        elif content.startswith(OLE_MAGIC):
            raise UserError(
                self.env._(
                    "The file %(file)s is an Excel 97-2003 workbook: save it as XLSX or CSV and "
                    "import it again.",
                    file=self.label,
                )
            )
        else:
            rows = self._read_csv()
        rows = [
            (number, values) for number, values in rows if any(v not in ("", None) for v in values)
        ]
        if not rows:
            raise UserError(self.env._("The file %(file)s is empty.", file=self.label))
        return rows

    def _decode(self):
        content = self.content
        if content.startswith(codecs.BOM_UTF8):
            content = content[len(codecs.BOM_UTF8) :]
        try:
            return content.decode("utf-8")
        except UnicodeDecodeError:
            return content.decode("latin-1")

    def _read_csv(self):
        text = self._decode()
        not_text = NOT_TEXT.search(text)
        if not_text:
            raise UserError(
                self.env._(
                    "The file %(file)s is neither a CSV file nor an XLSX workbook: it holds "
                    "characters that are not text.",
                    file=self.label,
                )
            )
        header = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = max(
            CSV_DELIMITERS, key=lambda d: len(next(csv.reader([header], delimiter=d), []))
        )
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows, previous = [], 0
        try:
            for values in reader:
                # a quoted value may span lines: a row is numbered by the line it starts on
                rows.append((previous + 1, [value.strip() for value in values]))
                previous = reader.line_num
        except csv.Error as error:
            raise UserError(
                self.env._(
                    "The file %(file)s cannot be read as a CSV file (line %(line)s): %(error)s",
                    line=previous + 1,
                    error=str(error),
                    file=self.label,
                )
            ) from error
        return rows

    def _read_xlsx(self):
        try:
            book = load_workbook(io.BytesIO(self.content), read_only=True, data_only=True)
        except (
            zipfile.BadZipFile,
            InvalidFileException,
            KeyError,
            ValueError,
            TypeError,
            OSError,
            SyntaxError,
        ) as error:
            raise UserError(
                self.env._(
                    "The file %(file)s cannot be read as an XLSX workbook: %(error)s",
                    error=str(error),
                    file=self.label,
                )
            ) from error
        if not book.worksheets:
            raise UserError(self.env._("The file %(file)s is empty.", file=self.label))
        rows = [
            (number, [cell_text(value) for value in values])
            for number, values in enumerate(book.worksheets[0].iter_rows(values_only=True), 1)
        ]
        book.close()
        return rows

    def columns(self, header):
        """{role: column index} of the header line."""
        keys = [heading_key(heading) for heading in header]
        found = {}
        for role, aliases in COLUMN_ALIASES.items():
            for index, key in enumerate(keys):
                if key in aliases and index not in found.values():
                    found[role] = index
                    break
        return found
