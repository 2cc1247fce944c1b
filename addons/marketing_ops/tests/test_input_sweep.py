"""Every wizard of marketing_ops given the inputs users get wrong: empty files, binary garbage,
truncated workbooks, other encodings and separators, unbalanced quotes, formula cells, absurd
numbers, malformed filters. Each input is refused with a clear message and nothing written, or
read with every line of the file accounted for.

``WIZARDS`` lists every wizard of the addon with what is swept of it: a wizard without a row
fails ``test_every_wizard_is_swept``, so that the next one is swept too."""

import base64
import codecs
import io
import random
import zipfile

from openpyxl import Workbook

from odoo.exceptions import UserError, ValidationError
from odoo.tests import users

from .common import MarketingOpsCase

# wizard -> what its users type or upload, and the test that sweeps it
WIZARDS = {
    "marketing.operation.step.import": "a CSV or XLSX file: test_import_files",
    "marketing.operation.step.targeting": "a filter (domain text): test_targeting_filters",
    "marketing.operation.template.load": "a choice of template: test_template_load_choices",
    "marketing.operation.step.close": "nothing (a confirmation)",
    "marketing.operation.call.session": "choices and a free note, no file nor number",
    "marketing.operation.step.function": "parts of job positions, free text",
}

HEADER = ["Référence", "Nom"]
ROWS = [
    ["IMP-SW1", ""],
    ["", "Zoé Sweep-Lefèvre"],
    ["", "Müller Sweep Ingénierie"],
    ["IMP-404", ""],
]
TEXT = "".join(f"{';'.join(row)}\r\n" for row in [HEADER, *ROWS])
# the lines of ROWS once imported: (added, already, rejected)
COUNTS = (3, 0, 1)


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def zipped(name, data):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr(name, data)
    return stream.getvalue()


def separated(delimiter, rows=(HEADER, *ROWS)):
    return "\n".join(delimiter.join(row) for row in rows).encode()


GARBAGE = random.Random(9).randbytes(4096)
WORKBOOK = xlsx([HEADER, *ROWS])

# name -> (file content, expected): ("refused", pattern of the message) or ("read", (added,
# already, rejected, blank)) with every line below the header in one of them
IMPORT_CASES = {
    "blank file": (b" \r\n\t\r\n", ("refused", "is empty")),
    "header only": (b"Reference;Name\r\n", ("refused", "no line to import below")),
    "binary garbage": (GARBAGE, ("refused", "neither a CSV file nor an XLSX workbook")),
    "nul bytes in text": (b"Ref\nIMP-SW1\x00\n", ("refused", "line 2 holds a character")),
    "all byte values": (bytes(range(256)) * 8, ("refused", "neither a CSV file")),
    "truncated xlsx": (WORKBOOK[: len(WORKBOOK) // 2], ("refused", "cannot be read as an XLSX")),
    "zip that is no workbook": (zipped("notes.txt", "hello"), ("refused", "as an XLSX")),
    "zip of garbage": (b"PK\x03\x04" + GARBAGE, ("refused", "cannot be read as an XLSX")),
    "empty workbook": (xlsx([]), ("refused", "is empty")),
    "excel 97": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + GARBAGE, ("refused", "Excel 97-2003")),
    "utf-8": (TEXT.encode(), ("read", (*COUNTS, 0))),
    "utf-8 with bom": (TEXT.encode("utf-8-sig"), ("read", (*COUNTS, 0))),
    "utf-16 with bom": (TEXT.encode("utf-16"), ("read", (*COUNTS, 0))),
    "utf-16-be with bom": (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), ("read", (*COUNTS, 0))),
    "utf-16-le without bom": (TEXT.encode("utf-16-le"), ("read", (*COUNTS, 0))),
    "utf-16 cut in a character": (TEXT.encode("utf-16")[:-3], ("refused", "line 5 holds bytes")),
    "latin-1": (TEXT.encode("latin-1"), ("read", (*COUNTS, 0))),
    "cp1252": (TEXT.encode("cp1252"), ("read", (*COUNTS, 0))),
    "utf-8 with one latin-1 line": (
        TEXT.encode().replace(ROWS[1][1].encode(), ROWS[1][1].encode("latin-1")),
        ("read", (*COUNTS, 0)),
    ),
    "semicolons": (separated(";"), ("read", (*COUNTS, 0))),
    "tabs": (separated("\t"), ("read", (*COUNTS, 0))),
    "commas": (separated(","), ("read", (*COUNTS, 0))),
    "vertical bars": (separated("|"), ("read", (*COUNTS, 0))),
    "header and lines not separated alike": (
        b"Reference;Name\nIMP-SW1,x\nIMP-SW1\n",
        ("read", (1, 0, 1, 0)),
    ),
    "blank lines in the middle and at the end": (
        TEXT.encode().replace(b"\r\n", b"\r\n\r\n", 2) + b";\r\n\r\n",
        ("read", (*COUNTS, 4)),
    ),
    "old mac line ends": (TEXT.replace("\r\n", "\r").encode(), ("read", (*COUNTS, 0))),
    "quote never closed": (
        TEXT.replace(";Zoé", ';"Zoé').encode(),
        ("refused", "line 3 is never closed"),
    ),
    "quote closed lines later": (
        TEXT.replace(";Zoé", ';"Zoé').replace("Ingénierie", 'Ingénierie"').encode(),
        ("refused", "line 3 closes only on line 4"),
    ),
    "text after a closing quote": (
        TEXT.replace(";Zoé Sweep-Lefèvre", ';"Zoé" Sweep-Lefèvre').encode(),
        ("refused", r"\(line 3\)"),
    ),
    "quotes inside a value": (
        TEXT.replace("Zoé", 'Zo"é"').encode(),
        ("read", (2, 0, 2, 0)),
    ),
    "a value of 200,000 characters": (
        b'Ref;Name\nIMP-SW1;"' + b"x" * 200_000 + b'"\n',
        ("read", (1, 0, 0, 0)),
    ),
    "xlsx formulas without values": (
        xlsx([HEADER, *ROWS, ["=A2", None], [None, '=CONCATENATE("Zoé", " Sweep")']]),
        ("read", (3, 0, 3, 0)),
    ),
    "xlsx absurd numbers": (
        xlsx([HEADER, [float("nan"), None], [float("inf"), None], [-5, None], [10**30, None]]),
        # NaN and infinity are no spreadsheet values: written, they read back as empty cells
        ("read", (0, 0, 2, 2)),
    ),
    "csv absurd numbers": (
        b"Ref\nNaN\ninf\n-1e309\n" + b"9" * 400 + b"\n",
        ("read", (0, 0, 4, 0)),
    ),
}

# filter text -> None when accepted, or the pattern of the refusal
TARGETING_FILTERS = {
    "[('id', 'in', PARTNERS)]": None,
    "": None,
    "[]": None,
    "[1, 2]": "The filter is not valid",
    "['|']": "The filter is not valid",
    "[('no_such_field', '=', 1)]": "The filter is not valid",
    "[('name', 'no-operator', 1)]": "The filter is not valid",
    "42": "The filter is not valid",
    "{'a': 1}": "The filter is not valid",
    "[('name', '=', 'unclosed": "The filter is not valid",
    "__import__('os').system('true')": "The filter is not valid",
    "[('id', '=', float('nan'))]": "compared with nan, which is not a finite number",
    "[('id', '>', 10 ** 40)]": "beyond the integers the database holds",
    "[('parent_id.id', 'in', [1, -10 ** 12])]": "beyond the integers",
    "[('name', '=', 10 ** 40)]": "finds no partner",
    "[('partner_latitude', '>', float('inf'))]": "not a finite number",
    "[('id', '<', -1)]": "finds no partner",
}


class TestInputSweep(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.create_operation("Sweep fair")
        cls.sweep_partners = cls.Partner.create(
            [
                {"name": "Sweep One", "is_company": True, "ref": "IMP-SW1"},
                {"name": "Zoé Sweep-Lefèvre"},
                {"name": "Müller Sweep Ingénierie", "is_company": True},
            ]
        )

    def test_every_wizard_is_swept(self):
        wizards = {
            name
            for name, model in self.env.registry.items()
            if model._transient and model._original_module == "marketing_ops"
        }
        self.assertEqual(wizards, set(WIZARDS) & set(self.env.registry))
        self.assertFalse(wizards - set(WIZARDS), "sweep the inputs of the new wizards")

    def data_lines(self, content):
        """The lines below the header, blank ones included, as a user counts them."""
        if content.startswith(b"PK"):
            return len(ROWS) + 2
        for encoding in ("utf-16", "utf-8"):
            try:
                text = content.decode(encoding)
                if "Nom" in text or "Name" in text or "Ref" in text:
                    break
            except UnicodeDecodeError:
                continue
        else:
            text = content.decode("latin-1")
        return len(io.StringIO(text.lstrip(), newline="").readlines()) - 1

    @users("mo_test_user")
    def test_import_files(self):
        Import = self.env["marketing.operation.step.import"]
        for name, (content, (outcome, expected)) in IMPORT_CASES.items():
            with self.subTest(case=name):
                step = self.create_step(self.operation, f"Sweep {name}")
                wizard = Import.create(
                    {
                        "step_id": step.id,
                        "file": base64.b64encode(content),
                        "file_name": "targets.csv",
                    }
                )
                if outcome == "refused":
                    for action in (wizard.action_preview, wizard.action_import):
                        with self.assertRaisesRegex(UserError, expected):
                            action()
                    self.assertEqual(wizard.state, "upload")
                    self.assertFalse(step.target_ids)
                    self.assertFalse(wizard.line_count)
                    continue
                wizard.action_preview()
                self.assertFalse(step.target_ids, "a preview writes nothing")
                wizard.action_import()
                counts = (
                    wizard.add_count,
                    wizard.already_count,
                    wizard.rejected_count,
                    wizard.blank_count,
                )
                self.assertEqual(counts, expected)
                self.assertEqual(wizard.line_count, sum(counts))
                if not content.startswith(b"PK"):
                    self.assertEqual(wizard.line_count, self.data_lines(content))
                self.assertEqual(len(step.target_ids), wizard.add_count)
                rejected = [line for line in wizard.report.splitlines() if ": " in line]
                self.assertEqual(
                    len([line for line in rejected if line.startswith("Line ")]),
                    wizard.rejected_count
                    + sum("is not valid UTF-8" in line for line in wizard.report.splitlines()),
                )

    @users("mo_test_user")
    def test_import_of_a_known_file_is_whole(self):
        """The cases above that are read target the same partners, whatever their encoding or
        separator."""
        for name in ("utf-16 with bom", "utf-16-le without bom", "cp1252", "vertical bars"):
            with self.subTest(case=name):
                step = self.create_step(self.operation, f"Whole {name}")
                wizard = self.env["marketing.operation.step.import"].create(
                    {"step_id": step.id, "file": base64.b64encode(IMPORT_CASES[name][0])}
                )
                wizard.action_import()
                self.assertEqual(step.target_ids.partner_id, self.sweep_partners)

    @users("mo_test_user")
    def test_targeting_filters(self):
        Targeting = self.env["marketing.operation.step.targeting"]
        for text, refusal in TARGETING_FILTERS.items():
            with self.subTest(filter=text):
                step = self.create_step(self.operation, f"Filter {text}")
                text = text.replace("PARTNERS", str(self.sweep_partners.ids))
                wizard = Targeting.create({"step_id": step.id, "filter_domain": text})
                if refusal:
                    self.assertEqual(wizard.partner_count, 0)
                    with self.assertRaisesRegex(UserError, refusal):
                        wizard.action_apply()
                    self.assertFalse(step.target_ids)
                    self.assertFalse(wizard.result)
                else:
                    self.assertTrue(wizard.partner_count)
                    wizard.action_apply()
                    self.assertTrue(step.target_ids)
                    self.assertIn("partners added", wizard.result)

    @users("mo_test_manager")
    def test_template_load_choices(self):
        step = self.create_step(self.operation, "Load into")
        Load = self.env["marketing.operation.template.load"]
        for values, refusal in (
            ({}, "Choose the template operation"),
            ({"step_id": step.id}, "Choose the template step"),
            ({"step_id": step.id, "template_step_id": step.id}, "cannot receive its own tree"),
        ):
            with self.subTest(values=values):
                wizard = Load.create({"operation_id": self.operation.id, **values})
                with self.assertRaisesRegex((UserError, ValidationError), refusal):
                    wizard.action_load()
        self.assertEqual(step.name, "Load into")
