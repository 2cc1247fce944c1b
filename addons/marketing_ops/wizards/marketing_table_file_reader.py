import base64
import binascii
import codecs
import csv
import datetime
import io
import re
import zipfile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from odoo import _, api, models
from odoo.exceptions import UserError

CSV_DELIMITERS = (";", "\t", ",", "|")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
# control characters that no text file holds (tabs, line ends, vertical tabs and form feeds may)
NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _cell_text(value):
    """The text of a spreadsheet cell, as it reads in the sheet."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class MarketingTableFileReader(models.AbstractModel):
    """Reading a CSV or XLSX file of a wizard (its ``file`` and ``file_name`` fields) into rows,
    strictly: a file that cannot be read whole is refused with the line where reading failed."""

    _name = "marketing.table.file.reader"
    _description = "CSV or XLSX File Reader"

    def _get_content(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose a CSV or XLSX file to import."))
        try:
            content = base64.b64decode(self.file)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                _("The file %(file)s cannot be read.", file=self._get_file_label())
            ) from error
        if not content.strip():
            raise UserError(_("The file %(file)s is empty.", file=self._get_file_label()))
        return content

    def _get_file_label(self):
        return self.file_name or _("(unnamed)")

    def _read_rows(self):
        """The lines of the file, whatever its format, and what was noted while reading them.

        :return: (rows, notes): rows are (line number in the file, list of cell texts, {column
            index: (issue, value)} of the cells that could not be read: ``formula`` for a formula
            without a computed value, ``error`` for an error value such as ``#N/A``); notes are
            texts for the report
        """
        content = self._get_content()
        if content.startswith(ZIP_MAGIC):
            return self._read_xlsx(content), []
        if content.startswith(OLE_MAGIC):
            raise UserError(
                _(
                    "The file %(file)s is an Excel 97-2003 workbook: save it as XLSX or CSV and import it again.",
                    file=self._get_file_label(),
                )
            )
        return self._read_csv(content)

    def _load_workbook(self, content, data_only):
        try:
            return load_workbook(io.BytesIO(content), read_only=False, data_only=data_only)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            InvalidFileException,
            EOFError,
            KeyError,
            IndexError,
            AttributeError,
            ValueError,
            TypeError,
            OSError,
            SyntaxError,  # the XML parser's errors derive from it
        ) as error:
            raise UserError(
                _(
                    "The file %(file)s cannot be read as an XLSX workbook: %(error)s",
                    file=self._get_file_label(),
                    error=error,
                )
            ) from error

    def _read_xlsx(self, content):
        """The rows of the first sheet, with the cached values of its formulas: a formula whose
        value was never computed (the file was written by a program that does not compute them)
        is an issue of its cell, not an empty cell."""
        book = self._load_workbook(content, data_only=True)
        if not book.worksheets:
            raise UserError(_("The file %(file)s is empty.", file=self._get_file_label()))
        formulas = {
            (cell.row, cell.column)
            for cells in self._load_workbook(content, data_only=False).worksheets[0].iter_rows()
            for cell in cells
            if cell.data_type == "f"
        }
        rows = []
        for number, cells in enumerate(book.worksheets[0].iter_rows(min_row=1), 1):
            values, issues = [], {}
            for index, cell in enumerate(cells):
                value = cell.value
                if cell.data_type == "e":
                    issues[index] = ("error", str(value))
                    value = None
                elif value is None and (number, index + 1) in formulas:
                    issues[index] = ("formula", "")
                values.append(_cell_text(value))
            rows.append((number, values, issues))
        return rows

    @api.model
    def _decode_strictly(self, content, encoding):
        """``content`` decoded as ``encoding``, or refused with the line it cannot decode."""
        try:
            return content.decode(encoding)
        except UnicodeDecodeError as error:
            read = content[: error.start].decode(encoding, errors="replace")
            raise UserError(
                _(
                    "The file %(file)s cannot be read as %(encoding)s text: line %(line)s holds "
                    "bytes that are not %(encoding)s.",
                    file=self._get_file_label(),
                    encoding=encoding.upper(),
                    line=self._line_at(read, len(read)),
                )
            ) from error

    @api.model
    def _decode_legacy(self, content):
        """Windows-1252, or Latin-1 for the few bytes Windows-1252 leaves undefined."""
        try:
            return content.decode("cp1252")
        except UnicodeDecodeError:
            return content.decode("latin-1")

    @api.model
    def _guess_utf16(self, content):
        """The UTF-16 byte order of a file without byte order mark whose bytes show it (every
        other byte zero, as text in the Latin alphabet is), or None."""
        if b"\x00" not in content:
            return None
        even, odd = content[0::2], content[1::2]
        if odd.count(0) * 2 >= len(odd) and even.count(0) * 10 <= len(even):
            return "utf-16-le"
        if even.count(0) * 2 >= len(even) and odd.count(0) * 10 <= len(odd):
            return "utf-16-be"
        return None

    @api.model
    def _decode_text(self, content):
        """(text, numbers of the lines read as Windows-1252) of a text file.

        UTF-16 when the file starts with its byte order mark or its bytes show it; UTF-8
        otherwise, line by line: in a UTF-8 file a line that is not valid UTF-8 (one stray byte
        written by another program) is read alone as Windows-1252, the others stay UTF-8; a file
        without any UTF-8 is Windows-1252 (or Latin-1) as a whole."""
        if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return self._decode_strictly(content, "utf-16"), []
        utf16 = self._guess_utf16(content)
        if utf16:
            return self._decode_strictly(content, utf16), []
        is_utf8 = content.startswith(codecs.BOM_UTF8)
        if is_utf8:
            content = content[len(codecs.BOM_UTF8) :]
        chunks = content.splitlines(keepends=True)
        texts, invalid = [], []
        for number, chunk in enumerate(chunks, 1):
            try:
                texts.append(chunk.decode("utf-8"))
                is_utf8 = is_utf8 or not chunk.isascii()
            except UnicodeDecodeError:
                texts.append(None)
                invalid.append(number)
        if not invalid:
            return "".join(texts), []
        if not is_utf8:
            return self._decode_legacy(content), []
        for number in invalid:
            texts[number - 1] = self._decode_legacy(chunks[number - 1])
        return "".join(texts), invalid

    @api.model
    def _line_at(self, text, position):
        """The number of the line of ``text`` that holds ``position`` (lines end as in CSV)."""
        before = text[:position]
        count = len(io.StringIO(before, newline="").readlines())
        return count + 1 if not before or before.endswith(("\n", "\r")) else count

    @api.model
    def _detect_delimiter(self, text):
        """The separator that splits the header line in the most columns (``;`` on a tie)."""
        header = next((line for line in text.splitlines() if line.strip()), "")
        return max(
            CSV_DELIMITERS,
            key=lambda delimiter: len(next(csv.reader([header], delimiter=delimiter), [])),
        )

    def _read_csv(self, content):
        """The rows of a CSV file, read whole or refused with the line where reading failed: a
        quote left open would otherwise swallow the lines below it into one value."""
        text, recoded = self._decode_text(content)
        not_text = NOT_TEXT.search(text)
        if not_text:
            raise UserError(
                _(
                    "The file %(file)s is neither a CSV file nor an XLSX workbook: line %(line)s "
                    "holds a character that is not text (U+%(code)s).",
                    file=self._get_file_label(),
                    line=self._line_at(text, not_text.start()),
                    code=f"{ord(not_text.group()):04X}",
                )
            )
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=self._detect_delimiter(text), strict=True
        )
        rows, previous_line = [], 0
        try:
            for values in reader:
                number = previous_line + 1
                if reader.line_num > number:
                    raise UserError(
                        _(
                            "The file %(file)s cannot be read as a CSV file: the quote that opens "
                            "a value on line %(line)s closes only on line %(end)s, and the lines "
                            "between are read as one value. A value cannot span several lines: "
                            "check the quotes of line %(line)s.",
                            file=self._get_file_label(),
                            line=number,
                            end=reader.line_num,
                        )
                    )
                rows.append((number, values, {}))
                previous_line = reader.line_num
        except csv.Error as error:
            if "end of data" in str(error):
                message = _(
                    "The file %(file)s cannot be read as a CSV file: the quote that opens a value "
                    "on line %(line)s is never closed, and every line below it would be read as "
                    "one value. Check the quotes of line %(line)s.",
                    file=self._get_file_label(),
                    line=previous_line + 1,
                )
            else:
                message = _(
                    "The file %(file)s cannot be read as a CSV file (line %(line)s): %(error)s. "
                    "A value that starts with a quote must end with one, right before the "
                    "separator.",
                    file=self._get_file_label(),
                    line=previous_line + 1,
                    error=error,
                )
            raise UserError(message) from error
        notes = [
            self.env._(
                "Line %(line)s is not valid UTF-8 as the rest of the file: it was read as "
                "Windows-1252.",
                line=number,
            )
            for number in recoded
        ]
        return rows, notes
