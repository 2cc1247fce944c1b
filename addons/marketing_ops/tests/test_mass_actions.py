import io

import docx
import openpyxl

from odoo.exceptions import UserError
from odoo.tests import users

from .common import MarketingOpsCase
from .test_document_mailing import make_letter


class TestMassActions(MarketingOpsCase):
    """From the target list of a step, printing and exporting apply to the whole list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.create_operation("List fair")
        cls.step = cls.create_step(
            cls.operation,
            "Whole list",
            label_format_id=cls.env.ref("marketing_ops.marketing_label_format_a4_3x8").id,
            document_template=make_letter(["partner__name"]),
            document_template_name="letter.docx",
            export_column_ids=[(0, 0, {"name": "Name", "field_path": "partner_id.name"})],
        )
        cls.step._add_targets(cls.alice | cls.globex | cls.solo)
        cls.other_step = cls.create_step(cls.operation, "Another list")
        cls.other_step._add_targets(cls.globex)

    def selected(self):
        # one target selected in the list
        return self.step.with_env(self.env).target_ids.filtered(
            lambda t: t.partner_id == self.globex
        )

    @users("mo_test_user")
    def test_export_and_merge_the_whole_list(self):
        action = self.selected().action_export_list()
        step = self.step.with_env(self.env)
        self.assertEqual(
            action["url"], f"/web/content/{step.output_attachment_id.id}?download=true"
        )
        sheet = openpyxl.load_workbook(io.BytesIO(step.output_attachment_id.raw)).active
        self.assertEqual(
            sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)),
            ["Acme Test", "Globex Test", "Solo Individual"],
        )
        self.selected().action_merge_letter()
        self.assertEqual(len(docx.Document(io.BytesIO(step.output_attachment_id.raw)).sections), 3)
        # nothing is launched
        self.assertEqual(set(step.target_ids.state_id.mapped("kind")), {"todo"})

    @users("mo_test_user")
    def test_labels_and_envelopes_of_the_whole_list(self):
        step = self.step.with_env(self.env)
        self.selected().action_print_labels()
        # outside a server, tests render the report's HTML
        html = step.output_attachment_id.raw.decode()
        for name in ("Acme Test", "Globex Test", "Solo Individual"):
            self.assertIn(name, html)
        self.assertEqual(html.count('class="o_marketing_label"'), 3)
        self.selected().action_print_envelopes()
        self.assertIn("envelopes", step.output_attachment_id.name)

    @users("mo_test_user")
    def test_one_step_at_a_time(self):
        targets = (self.step | self.other_step).with_env(self.env).target_ids
        with self.assertRaises(UserError):
            targets.action_export_list()
