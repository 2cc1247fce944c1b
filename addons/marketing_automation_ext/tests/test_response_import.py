import base64
import io
from datetime import datetime

from openpyxl import Workbook

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestResponseImport(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsider = cls._create_partners(1, prefix="ma_outsider")
        cls.env.user.tz = "UTC"
        cls.ma_user.tz = "UTC"

    def setUp(self):
        super().setUp()
        self.campaign = self._create_campaign()
        self._create_activity(
            self.campaign,
            "Tag",
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
        )
        with self.mock_datetime_and_now(NOW):
            self._start(self.campaign)
        self.assertEqual(len(self.campaign.participant_ids), 5)

    def _wizard(self, content, file_name="responses.csv"):
        if isinstance(content, str):
            content = content.encode()
        return (
            self.env["marketing.automation.response.import"]
            .with_user(self.ma_user)
            .create(
                {
                    "campaign_id": self.campaign.id,
                    "file": base64.b64encode(content),
                    "file_name": file_name,
                }
            )
        )

    def _participant(self, partner):
        return self.campaign.participant_ids.filtered(lambda p: p.res_id == partner.id)

    def test_import_attaches_reports_and_dedupes(self):
        p0, p1, p2 = self.partners[:3]
        content = "\n".join(
            [
                "E-mail,Date,Text",
                f"{p0.email},2026-03-03 10:15,Interested in the offer",
                f"{p1.email.upper()},03/03/2026 11:00,Call me next week",
                "nobody@test.example.com,2026-03-03,Who are you?",
                f"{self.outsider.email},2026-03-03,Not a participant",
                "not an email,2026-03-03,Typo",
                ",2026-03-03,No address",
                "",
                f"{p0.email},2026-03-03 10:15,Interested in the offer",
            ]
        )
        content_ref = "\n".join(
            [
                "Reference;Date;Response",
                f"res.partner,{p2.id};2026-03-04 09:00;By phone: wants a demo",
                f"res.partner,{self.outsider.id};2026-03-04 09:00;Not in the campaign",
            ]
        )
        wizard = self._wizard(content)
        wizard.action_preview()
        self.assertEqual(wizard.state, "preview")
        self.assertEqual(
            (wizard.line_count, wizard.add_count, wizard.already_count, wizard.unmatched_count),
            (7, 2, 1, 4),
        )
        self.assertIn("Interested in the offer", wizard.preview_html)
        self.assertFalse(self.campaign.response_ids, "the preview writes nothing")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        responses = self.campaign.response_ids
        self.assertEqual(len(responses), 2)
        self.assertEqual(set(responses.mapped("kind")), {"imported"})
        by_partner = {r.partner_id: r for r in responses}
        self.assertEqual(by_partner[p0].participant_id, self._participant(p0))
        self.assertEqual(by_partner[p0].date, datetime(2026, 3, 3, 10, 15))
        self.assertIn("Interested in the offer", by_partner[p0].body)
        self.assertEqual(by_partner[p1].date, datetime(2026, 3, 3, 11, 0))
        report = wizard.report
        self.assertIn("2 responses added", report)
        for expected in (
            "Line 4 (nobody@test.example.com): no participant of this campaign has the email",
            f"Line 5 ({self.outsider.email}): no participant",
            "Line 6 (not an email): not an email is not an email address",
            "Line 7 (-): neither an email nor a record reference",
        ):
            self.assertIn(expected, report)
        log = self.campaign.message_ids[:1]
        self.assertIn("Responses imported from file responses.csv", log.body)
        self.assertIn("Line 4 (nobody@test.example.com)", log.body)
        # by record reference
        self._wizard(content_ref, "by_ref.csv").action_import()
        self.assertEqual(len(self.campaign.response_ids), 3)
        by_ref = self.campaign.response_ids.filtered(lambda r: r.partner_id == p2)
        self.assertEqual(by_ref.participant_id, self._participant(p2))
        # the same files again: nothing added
        again = self._wizard(content)
        again.action_import()
        self.assertEqual((again.add_count, again.already_count), (0, 3))
        self._wizard(content_ref, "by_ref.csv").action_import()
        self.assertEqual(len(self.campaign.response_ids), 3)
        campaign = self.campaign.with_user(self.ma_user)
        self.assertEqual(campaign.response_count, 3)
        self.assertEqual(p0.with_user(self.ma_user).marketing_response_count, 1)
        self.assertEqual(self._participant(p0).with_user(self.ma_user).response_count, 1)

    def test_encodings_separators_and_xlsx(self):
        p0, p1, p2, p3 = self.partners[:4]
        files = {
            "bom_semicolon.csv": (
                f"\ufeffEmail;Date;Text\n{p0.email};2026-03-03 10:00;Très intéressé\n"
            ).encode(),
            "latin1_tab.csv": (
                f"Email\tDate\tText\n{p1.email}\t03.03.2026 12:30\tRéponse à l'offre\n"
            ).encode("latin-1"),
            "utf8_comma.csv": (
                f'EMAIL , date , Text\n{p2.email},2026-03-03,"Oui, merci"\n'
            ).encode(),
        }
        book = Workbook()
        sheet = book.active
        sheet.append(["Email", "Date", "Message"])
        sheet.append([p3.email, datetime(2026, 3, 5, 8, 45), "From the spreadsheet"])
        stream = io.BytesIO()
        book.save(stream)
        files["responses.xlsx"] = stream.getvalue()
        for name, content in files.items():
            with self.subTest(file=name):
                wizard = self._wizard(content, name)
                wizard.action_import()
                self.assertEqual(wizard.add_count, 1, wizard.report)
        texts = {r.partner_id: r for r in self.campaign.response_ids}
        self.assertIn("Très intéressé", texts[p0].body)
        self.assertIn("Réponse à l'offre", texts[p1].body)
        self.assertEqual(texts[p1].date, datetime(2026, 3, 3, 12, 30))
        self.assertIn("Oui, merci", texts[p2].body)
        self.assertEqual(texts[p3].date, datetime(2026, 3, 5, 8, 45))
        self.assertIn("From the spreadsheet", texts[p3].body)

    def test_bad_files_refused(self):
        p0 = self.partners[0]
        book = Workbook()
        book.active.append(["Name", "Date"])
        stream = io.BytesIO()
        book.save(stream)
        bad_files = {
            "empty": (b"", "Choose a CSV or XLSX file"),
            "blank": (b"\n\n  \n", "is empty"),
            "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "neither a CSV file nor an XLSX"),
            "zip, not a workbook": (b"PK\x03\x04garbage", "cannot be read as an XLSX workbook"),
            "old Excel": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Excel 97-2003"),
            "no email column": ("Name;Date;Text\nSomeone;2026-03-03;Hi\n", "no email column"),
            "no email column (xlsx)": (stream.getvalue(), "no email column"),
            "header only": ("Email;Date;Text\n", "no line to import"),
            "bad date": (
                f"Email;Date;Text\n{p0.email};2026-03-03;Fine\n{p0.email};31/02/2026;Bad\n",
                r"line 3: 31/02/2026.*Nothing was imported",
            ),
            "open quote": (f'Email;Date;Text\n{p0.email};2026-03-03;"Open\n', "CSV file"),
        }
        for label, (content, pattern) in bad_files.items():
            with self.subTest(file=label):
                wizard = self._wizard(content, f"{label}.csv")
                if not content:
                    wizard.file = False
                for action in (wizard.action_preview, wizard.action_import):
                    with self.assertRaisesRegex(UserError, pattern):
                        action()
        self.assertFalse(self.campaign.response_ids)
        self.assertFalse(
            self.campaign.message_ids.filtered(lambda m: "Responses imported" in (m.body or ""))
        )
