import io
from datetime import datetime

import openpyxl

from odoo.exceptions import ValidationError
from odoo.tests import users

from .common import MarketingOpsCase


class TestSpreadsheetExport(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_export = cls.env.ref("marketing_ops.marketing_step_type_spreadsheet_export")
        cls.operation = cls.create_operation("Export fair", target_individuals=True)
        cls.step = cls.create_step(
            cls.operation, "Export to the printer", step_type_id=cls.type_export.id
        )
        tags = cls.env["res.partner.category"].create([{"name": "Hot"}, {"name": "VIP"}])
        cls.acme.write(
            {
                "country_id": cls.env.ref("base.fr").id,
                "city": "Lyon",
                "category_id": [(6, 0, tags.ids)],
            }
        )
        cls.globex.write({"country_id": cls.env.ref("base.be").id, "city": "Gent"})
        cls.step._add_targets(cls.alice | cls.bob | cls.globex)
        cls.acme_target = cls.step.target_ids.filtered(lambda t: t.partner_id == cls.acme)
        cls.acme_target.callback_date = datetime(2026, 3, 4, 9, 30)

    def read_sheet(self, content):
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    @users("mo_test_user")
    def test_columns_of_the_step(self):
        step = self.step.with_env(self.env)
        step.write(
            {
                "export_column_ids": [
                    (0, 0, {"sequence": 1, "name": "Company", "field_path": "partner_id.name"}),
                    (
                        0,
                        0,
                        {
                            "sequence": 2,
                            "name": "Country",
                            "field_path": "partner_id.country_id.code",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 3,
                            "name": "Tags",
                            "field_path": "partner_id.category_id.name",
                        },
                    ),
                    (
                        0,
                        0,
                        {
                            "sequence": 4,
                            "name": "Contacts",
                            "field_path": "contact_ids.partner_id.name",
                        },
                    ),
                    (0, 0, {"sequence": 5, "name": "Status", "field_path": "state_id.name"}),
                    (0, 0, {"sequence": 6, "name": "Call back", "field_path": "callback_date"}),
                    (0, 0, {"sequence": 7, "name": "Counter", "field_path": "counter"}),
                ]
            }
        )
        rows = self.read_sheet(step._render_export_xlsx(step.target_ids))
        self.assertEqual(
            rows[0], ["Company", "Country", "Tags", "Contacts", "Status", "Call back", "Counter"]
        )
        by_name = {row[0]: row for row in rows[1:]}
        self.assertEqual(set(by_name), {"Acme Test", "Globex Test"})
        acme = by_name["Acme Test"]
        self.assertEqual(acme[1], "FR")
        self.assertEqual(acme[2], "Hot, VIP")
        self.assertEqual(acme[3], "Alice Acme, Bob Acme")
        self.assertEqual(acme[4], "To process")
        # a date cell, in the user's time zone (UTC for the test user)
        self.assertIsInstance(acme[5], datetime)
        self.assertEqual(acme[5], datetime(2026, 3, 4, 9, 30))
        self.assertEqual(acme[6], 0)
        self.assertEqual(by_name["Globex Test"][1:4], ["BE", None, None])
        self.assertIsNone(by_name["Globex Test"][5])

    @users("mo_test_user")
    def test_default_columns_of_the_type(self):
        step = self.step.with_env(self.env)
        rows = self.read_sheet(step._render_export_xlsx(step.target_ids))
        self.assertEqual(
            rows[0],
            [
                "Name",
                "Reference",
                "Contacts",
                "Email",
                "Phone",
                "City",
                "Country",
                "Tags",
                "Status",
            ],
        )
        self.assertEqual(len(rows), 3)
        acme = next(row for row in rows if row[0] == "Acme Test")
        self.assertEqual((acme[5], acme[6], acme[7]), ("Lyon", "FR", "Hot, VIP"))

    @users("mo_test_user")
    def test_bad_path_refused_with_its_segment(self):
        step = self.step.with_env(self.env)
        with self.assertRaises(ValidationError) as caught:
            step.write(
                {
                    "export_column_ids": [
                        (0, 0, {"name": "Country", "field_path": "partner_id.contry_id.code"})
                    ]
                }
            )
        self.assertIn('"contry_id" is not a field', str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            step.write(
                {
                    "export_column_ids": [
                        (0, 0, {"name": "Name", "field_path": "partner_id.name.first"})
                    ]
                }
            )
        self.assertIn('"name" is not a relation', str(caught.exception))
        self.assertFalse(step.export_column_ids)

    @users("mo_test_user")
    def test_launch_attaches_the_export(self):
        step = self.step.with_env(self.env)
        step.action_launch()
        attachment = step.output_attachment_id
        self.assertEqual(attachment.res_model, "marketing.operation.step")
        self.assertEqual(attachment.res_id, step.id)
        self.assertEqual(attachment.name, "Export to the printer.xlsx")
        rows = self.read_sheet(attachment.raw)
        self.assertEqual(len(rows), 3)
        # exported with their status before the launch, then processed
        self.assertEqual({row[8] for row in rows[1:]}, {"To process"})
        self.assertEqual(set(step.target_ids.state_id.mapped("kind")), {"ok"})
        self.assertEqual(
            step.action_download_output()["url"], f"/web/content/{attachment.id}?download=true"
        )
