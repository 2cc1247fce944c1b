import base64
import io

import xlsxwriter
from openpyxl import Workbook

from odoo.exceptions import UserError
from odoo.tests import new_test_user, users

from .common import MarketingOpsCase, assert_same_queries


class TestTargetImport(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.create_operation("Import fair")
        cls.companies_only = cls.create_operation("Companies only", target_individuals=False)
        Partner = cls.Partner
        cls.sg = Partner.create(
            {"name": "Société Générale Essais", "is_company": True, "ref": "IMP-SG"}
        )
        cls.muller = Partner.create(
            {"name": "Müller Ingénierie", "is_company": True, "ref": "IMP-MU"}
        )
        cls.hans = Partner.create(
            {"name": "Hans Müller", "parent_id": cls.muller.id, "email": "hans@muller.example"}
        )
        cls.greta = Partner.create({"name": "Greta Müller", "parent_id": cls.muller.id})
        cls.martin_sg = Partner.create(
            {"name": "Jean Martin", "parent_id": cls.sg.id, "email": "jean.martin@sg.example"}
        )
        cls.martin_mu = Partner.create({"name": "Jean Martin", "parent_id": cls.muller.id})
        cls.zoe = Partner.create({"name": "Zoé Lefèvre", "ref": "IMP-ZL"})
        cls.dupont_a, cls.dupont_b = Partner.create(
            [
                {"name": "Dupont Services", "is_company": True, "ref": "IMP-DA"},
                {"name": "Dupont Services", "is_company": True, "ref": "IMP-DB"},
            ]
        )
        cls.twins = Partner.create(
            [
                {"name": "Twin One", "is_company": True, "ref": "IMP-TWIN"},
                {"name": "Twin Two", "is_company": True, "ref": "IMP-TWIN"},
            ]
        )
        cls.numeric = Partner.create(
            {"name": "Numeric Ref Co", "is_company": True, "ref": "100234"}
        )
        cls.batch = Partner.create(
            [
                {"name": f"Batch Co {n:02d}", "is_company": True, "ref": f"IMP-B{n:02d}"}
                for n in range(40)
            ]
        )

    def setUp(self):
        super().setUp()
        self.step = self.create_step(self.operation, "Invitation")

    # ---- helpers ------------------------------------------------------------------------------------

    def import_wizard(self, content, file_name="targets.csv", step=None):
        if isinstance(content, str):
            content = content.encode()
        return self.env["marketing.operation.step.import"].create(
            {
                "step_id": (step or self.step).id,
                "file": base64.b64encode(content),
                "file_name": file_name,
            }
        )

    def run_import(self, content, file_name="targets.csv", step=None):
        """Preview then import ``content``; return the wizard with its report."""
        wizard = self.import_wizard(content, file_name, step)
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        return wizard

    def report_lines(self, wizard):
        return wizard.report.splitlines()[1:]

    @staticmethod
    def xlsx(rows):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        stream = io.BytesIO()
        book.save(stream)
        return stream.getvalue()

    # ---- formats ------------------------------------------------------------------------------------

    @users("mo_test_user")
    def test_semicolon_csv_with_bom_or_latin1(self):
        text = (
            "Référence;Nom;Ville\r\n"
            "IMP-SG;;Paris\r\n"
            "IMP-404;Whatever;Lyon\r\n"
            "\r\n"
            ";Müller Ingénierie;Köln\r\n"
            "IMP-ZL;;\r\n"
            ";;Nowhere\r\n"
            ";Nobody Known;\r\n"
        )
        for encoding in ("utf-8-sig", "latin-1", "cp1252"):
            with self.subTest(encoding=encoding):
                step = self.create_step(self.operation, f"Invitation {encoding}")
                wizard = self.run_import(text.encode(encoding), step=step)
                self.assertEqual(
                    self.targets_of(step),
                    {self.sg: set(), self.muller: set(), self.zoe: set()},
                )
                self.assertEqual(
                    wizard.report.splitlines(),
                    [
                        "3 lines added (3 new targets, 0 new contacts), 0 lines already targeted, "
                        "3 lines rejected. 1 blank lines skipped.",
                        "Line 3: unknown reference IMP-404",
                        "Line 7: neither a reference nor a name to find the partner",
                        "Line 8: unknown name Nobody Known",
                    ],
                )
                self.assertFalse(
                    self.Partner.search([("name", "in", ("Whatever", "Nobody Known"))])
                )

    @users("mo_test_user")
    def test_comma_and_tab_separated(self):
        for delimiter in (",", "\t"):
            with self.subTest(delimiter=repr(delimiter)):
                step = self.create_step(self.operation, f"Step {delimiter!r}")
                rows = [
                    ["Code", "Partner Name", "E-mail"],
                    ["IMP-SG", "", ""],
                    ["", '"Dupont Services"', ""],
                    ["", "zoé lefèvre", ""],
                ]
                text = "\n".join(delimiter.join(row) for row in rows)
                wizard = self.run_import(text, step=step)
                self.assertEqual(self.targets_of(step), {self.sg: set(), self.zoe: set()})
                self.assertEqual(
                    self.report_lines(wizard),
                    ["Line 3: ambiguous name Dupont Services (2 partners)"],
                )

    @users("mo_test_user")
    def test_xlsx_detected_by_content(self):
        content = self.xlsx(
            [
                ["Liste des invités"],
                ["Référence", "SOCIÉTÉ", "Contact", "Remarque"],
                ["IMP-B01", None, None, 12.5],
                [None, "müller ingénierie", "Greta Müller", None],
                [None, None, None, None],
                ["IMP-TWIN", None, None, None],
            ]
        )
        # the first line is the header: a title above it is refused, named
        with self.assertRaisesRegex(UserError, "Columns found: Liste des invités."):
            self.import_wizard(content, file_name="invites.xlsx").action_preview()
        # named .csv, read as the workbook it is
        content = self.xlsx(
            [
                ["Référence", "SOCIÉTÉ", "Contact", "Remarque"],
                [100234, None, None, 12.5],
                [None, "müller ingénierie", "Greta Müller", None],
                [None, None, None, None],
                ["IMP-TWIN", None, None, None],
                [None, "Müller Ingénierie", "Nobody", None],
            ]
        )
        wizard = self.run_import(content, file_name="invites.csv")
        self.assertEqual(
            self.targets_of(self.step), {self.numeric: set(), self.muller: {self.greta}}
        )
        self.assertEqual(
            self.report_lines(wizard),
            [
                "Line 5: ambiguous reference IMP-TWIN (2 partners)",
                "Line 6: unknown contact Nobody in Müller Ingénierie",
            ],
        )

    # ---- resolution ---------------------------------------------------------------------------------

    @users("mo_test_user")
    def test_contact_brings_its_company(self):
        wizard = self.run_import(
            "Société;Contact\nMüller Ingénierie;Hans Müller\nSociété Générale Essais;Jean Martin\n"
        )
        self.assertEqual(
            self.targets_of(self.step), {self.muller: {self.hans}, self.sg: {self.martin_sg}}
        )
        self.assertTrue(wizard.report.startswith("2 lines added (2 new targets, 2 new contacts)"))
        # another contact of a targeted company completes its target
        wizard = self.run_import("Entreprise;Contact\nMüller Ingénierie;Greta Müller\n")
        self.assertEqual(
            self.targets_of(self.step),
            {self.muller: {self.hans, self.greta}, self.sg: {self.martin_sg}},
        )
        self.assertTrue(wizard.report.startswith("1 lines added (0 new targets, 1 new contacts)"))

    @users("mo_test_user")
    def test_ambiguous_names_and_contacts(self):
        wizard = self.run_import(
            "Contact;Email\n"
            "Jean Martin;\n"
            "Jean Martin;JEAN.MARTIN@sg.example\n"
            "Hans Müller;\n"
            "Nobody Known;\n"
        )
        self.assertEqual(
            self.targets_of(self.step), {self.sg: {self.martin_sg}, self.muller: {self.hans}}
        )
        self.assertEqual(
            self.report_lines(wizard),
            [
                "Line 2: ambiguous contact Jean Martin (2 contacts)",
                "Line 5: unknown contact Nobody Known",
            ],
        )
        step = self.create_step(self.operation, "Second")
        wizard = self.run_import(
            "Name;Company\nDupont Services;\nJean Martin;Müller Ingénierie\nJean Martin;\n",
            step=step,
        )
        self.assertEqual(self.targets_of(step), {self.muller: {self.martin_mu}})
        self.assertEqual(
            self.report_lines(wizard),
            [
                "Line 2: ambiguous name Dupont Services (2 partners)",
                "Line 4: ambiguous name Jean Martin (2 partners)",
            ],
        )

    @users("mo_test_user")
    def test_kind_not_targeted_is_rejected(self):
        step = self.create_step(self.companies_only, "Mailing")
        wizard = self.run_import("Ref;Name\nIMP-ZL;\n;Société Générale Essais\n", step=step)
        self.assertEqual(self.targets_of(step), {self.sg: set()})
        self.assertEqual(
            self.report_lines(wizard),
            [
                "Line 2: Zoé Lefèvre is an individual; operation Companies only does not "
                "target individuals."
            ],
        )

    @users("mo_test_user")
    def test_import_twice_adds_nothing(self):
        text = "Reference;Contact\nIMP-SG;\nIMP-MU;Hans Müller\nIMP-SG;\nIMP-MU;\n"
        wizard = self.run_import(text)
        expected = {self.sg: set(), self.muller: {self.hans}}
        self.assertEqual(self.targets_of(self.step), expected)
        self.assertEqual((wizard.add_count, wizard.already_count, wizard.rejected_count), (2, 2, 0))
        wizard = self.import_wizard(text)
        wizard.action_preview()
        self.assertEqual((wizard.add_count, wizard.already_count, wizard.rejected_count), (0, 4, 0))
        self.assertIn("Already targeted", wizard.preview_html)
        wizard.action_import()
        self.assertEqual(self.targets_of(self.step), expected)
        self.assertEqual(len(self.step.target_ids), 2)
        self.assertEqual(
            wizard.report,
            "0 lines added (0 new targets, 0 new contacts), 4 lines already targeted, "
            "0 lines rejected.",
        )

    # ---- preview, report and errors -----------------------------------------------------------------

    @users("mo_test_user")
    def test_preview_adds_nothing_and_report_is_posted(self):
        wizard = self.import_wizard("Ref\nIMP-SG\nIMP-SG\nIMP-404\n")
        wizard.action_preview()
        self.assertFalse(self.step.target_ids)
        self.assertEqual((wizard.line_count, wizard.add_count), (3, 1))
        self.assertEqual((wizard.already_count, wizard.rejected_count), (1, 1))
        self.assertEqual(
            wizard.report.splitlines(),
            ["Lines that will be rejected:", "Line 4: unknown reference IMP-404"],
        )
        for text in ("Société Générale Essais", "Already in the file at line 2", "IMP-404"):
            self.assertIn(text, wizard.preview_html)
        wizard.action_import()
        self.assertEqual(self.targets_of(self.step), {self.sg: set()})
        message = self.operation.message_ids[0]
        self.assertIn("Targets imported into step Invitation", message.body)
        self.assertIn(
            "1 lines added (1 new targets, 0 new contacts), 1 lines already", message.body
        )
        self.assertIn("<li>Line 4: unknown reference IMP-404</li>", message.body)

    @users("mo_test_user")
    def test_unusable_files_are_refused(self):
        with self.assertRaisesRegex(UserError, "Choose a CSV or XLSX file"):
            self.env["marketing.operation.step.import"].create(
                {"step_id": self.step.id}
            ).action_preview()
        with self.assertRaisesRegex(UserError, "is empty"):
            self.import_wizard(" \r\n\r\n").action_preview()
        with self.assertRaisesRegex(UserError, "no line to import below"):
            self.import_wizard("Reference;Name\n").action_preview()
        with self.assertRaisesRegex(UserError, "cannot be read as an XLSX workbook"):
            self.import_wizard(b"PK\x03\x04 not really a workbook", "list.xlsx").action_preview()
        with self.assertRaisesRegex(UserError, "Excel 97-2003"):
            self.import_wizard(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "list.xls").action_preview()
        with self.assertRaises(UserError) as caught:
            self.import_wizard("Ville;Téléphone\nParis;0102030405\n").action_preview()
        message = str(caught.exception)
        self.assertIn("Columns found: Ville, Téléphone.", message)
        for expected in ("Reference (reference, ref, code", "Name (name", "Company (", "Contact ("):
            self.assertIn(expected, message)
        self.assertFalse(self.step.target_ids)

    @users("mo_test_user")
    def test_resolution_is_batched(self):
        """The queries do not grow with the number of lines."""

        def import_wizard(partners):
            return self.import_wizard(
                "Référence;Nom;Contact\n"
                + "".join(f"{ref};;\n" for ref in partners.mapped("ref"))
                + ";Müller Ingénierie;Hans Müller\n"
            )

        assert_same_queries(
            self,
            lambda wizard: wizard.action_preview(),
            few=import_wizard(self.batch[:5]),
            many=import_wizard(self.batch),
            warm=import_wizard(self.batch[5:10]),  # the caches of the registry
        )

    # ---- every line accounted for -------------------------------------------------------------------

    def assertAccounted(self, wizard, data_lines):
        """Each of the ``data_lines`` lines below the header is added, already there, rejected or
        blank."""
        self.assertEqual(wizard.line_count, data_lines)
        self.assertEqual(
            wizard.add_count + wizard.already_count + wizard.rejected_count + wizard.blank_count,
            data_lines,
        )

    @users("mo_test_user")
    def test_unbalanced_quote_refuses_the_file(self):
        """A quote left open would read every line below it as one value: the file is refused
        with the line of the quote, and nothing is targeted."""
        never_closed = 'Référence;Nom\nIMP-SG;\n;"Müller Ingénierie\nIMP-ZL;\nIMP-MU;\n'
        with self.assertRaisesRegex(UserError, "opens a value on line 3 is never closed"):
            self.import_wizard(never_closed).action_preview()
        closed_later = 'Référence;Nom\nIMP-SG;\n;"Müller Ingénierie\nIMP-ZL;\n;Zoé";x\n'
        with self.assertRaisesRegex(UserError, "on line 3 closes only on line 5"):
            self.import_wizard(closed_later).action_preview()
        stray_text = 'Référence;Nom\nIMP-SG;\n;"Müller" Ingénierie\nIMP-ZL;\n'
        with self.assertRaisesRegex(UserError, "line 3"):
            self.import_wizard(stray_text).action_preview()
        wizard = self.import_wizard(never_closed)
        with self.assertRaises(UserError):
            wizard.action_import()
        self.assertFalse(self.step.target_ids)
        self.assertEqual(wizard.state, "upload")
        # quotes that open and close on their line are read as usual
        wizard = self.run_import('Référence;Nom\n"IMP-SG";\n;"Müller ""MI"" Ingénierie"\n')
        self.assertAccounted(wizard, 2)
        self.assertEqual(self.report_lines(wizard), ['Line 3: unknown name Müller "MI" Ingénierie'])

    @users("mo_test_user")
    def test_xlsx_formula_without_value_is_a_rejection(self):
        """A formula whose value the workbook does not hold is a rejected line with its reason,
        not a blank line dropped from the counts; a computed formula gives its value."""
        content = self.xlsx(
            [
                ["Référence", "Nom", "Remarque"],
                ["IMP-SG", None, None],
                [None, '=CONCATENATE("Zoé", " ", "Lefèvre")', None],
                [None, None, None],
                ["IMP-MU", None, "=1+1"],
                ["=A2", None, None],
            ]
        )
        wizard = self.run_import(content, file_name="targets.xlsx")
        self.assertEqual(self.targets_of(self.step), {self.sg: set(), self.muller: set()})
        self.assertAccounted(wizard, 5)
        self.assertEqual((wizard.add_count, wizard.rejected_count, wizard.blank_count), (2, 2, 1))
        self.assertEqual(
            self.report_lines(wizard),
            [
                "Line 3: formula without a computed value in column B (Nom)",
                "Line 6: formula without a computed value in column A (Référence)",
            ],
        )
        # a workbook saved with the computed values (as spreadsheet programs save them)
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream)
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["Référence", "Nom"])
        sheet.write_formula(1, 1, '=CONCATENATE("Zoé", " ", "Lefèvre")', None, "Zoé Lefèvre")
        sheet.write_formula(2, 1, "=1/0", None, "#DIV/0!")
        book.close()
        step = self.create_step(self.operation, "Computed")
        wizard = self.run_import(stream.getvalue(), file_name="computed.xlsx", step=step)
        self.assertEqual(self.targets_of(step), {self.zoe: set()})
        self.assertAccounted(wizard, 2)
        self.assertEqual(
            self.report_lines(wizard), ["Line 3: error value #DIV/0! in column B (Nom)"]
        )

    @users("mo_test_user")
    def test_utf8_with_a_stray_latin1_line(self):
        """One line written in Latin-1 inside a UTF-8 file is read alone as such: the other
        accented names stay intact, and the report says which line was read otherwise."""
        content = (
            "Référence;Nom\n".encode()
            + ";Société Générale Essais\n".encode()
            + ";Zoé Lefèvre\n".encode("latin-1")
            + ";Müller Ingénierie\n".encode()
        )
        wizard = self.import_wizard(content)
        wizard.action_preview()
        self.assertIn("Line 3 is not valid UTF-8", wizard.report)
        self.assertEqual((wizard.add_count, wizard.rejected_count), (3, 0))
        wizard.action_import()
        self.assertEqual(
            self.targets_of(self.step), {self.sg: set(), self.zoe: set(), self.muller: set()}
        )
        self.assertAccounted(wizard, 3)
        self.assertEqual(
            wizard.report.splitlines()[1:],
            ["Line 3 is not valid UTF-8 as the rest of the file: it was read as Windows-1252."],
        )

    def test_user_without_email_imports(self):
        """The report is logged on the operation by the importing user, email address or not."""
        user = new_test_user(
            self.env,
            "mo_no_email_user",
            groups="marketing_ops.marketing_ops_group_user,sales_team.group_sale_salesman",
        )
        user.partner_id.email = False
        wizard = (
            self.env["marketing.operation.step.import"]
            .with_user(user)
            .create(
                {
                    "step_id": self.step.id,
                    "file": base64.b64encode(b"Ref\nIMP-SG\nIMP-404\n"),
                    "file_name": "targets.csv",
                }
            )
        )
        wizard.action_preview()
        wizard.action_import()
        self.assertEqual(self.targets_of(self.step), {self.sg: set()})
        message = self.operation.message_ids[0]
        self.assertEqual(message.author_id, user.partner_id)
        self.assertIn("1 lines added", message.body)
        self.assertIn("Line 3: unknown reference IMP-404", message.body)
