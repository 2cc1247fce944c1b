import io
from collections import defaultdict

from pypdf import PdfReader

from odoo.tests import HttpCase, new_test_user, tagged

MM = 72 / 25.4  # PDF points per millimetre

# where the text of each label of the A4 3 x 7 sheet starts, in mm, worked out by hand from the
# format's data (labels 70 x 42.3 mm, no gaps, no left margin, a top margin of 0.45 mm, an inner
# margin of 4 mm): columns at 0, 70 and 140 mm, rows every 42.3 mm from 0.45 mm
TEXT_LEFT_3X7 = (4.0, 74.0, 144.0)
TEXT_TOP_3X7 = (4.45, 46.75, 89.05, 131.35, 173.65, 215.95, 258.25)


def text_positions(content):
    """{text: [(page index, x mm from the left, y mm from the top)]} of a PDF's text runs."""
    positions = defaultdict(list)
    reader = PdfReader(io.BytesIO(content))
    for index, page in enumerate(reader.pages):
        height = float(page.mediabox.height)

        def visitor(text, cm, tm, _font, _size, index=index, height=height):
            text = " ".join(text.split())
            if not text:
                return
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            positions[text].append((index, x / MM, (height - y) / MM))

        page.extract_text(visitor_text=visitor)
    return positions


@tagged("post_install", "-at_install")
class TestLabelMailing(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "mo_label_user", groups="marketing_ops.marketing_ops_group_user"
        )
        cls.format_3x7 = cls.env.ref("marketing_ops.marketing_label_format_a4_3x7")
        cls.format_dl = cls.env.ref("marketing_ops.marketing_label_format_envelope_dl")
        operation = cls.env["marketing.operation"].create({"name": "Label fair"})
        cls.step = cls.env["marketing.operation.step"].create(
            {
                "operation_id": operation.id,
                "name": "Catalogue labels",
                "step_type_id": cls.env.ref("marketing_ops.marketing_step_type_label_mailing").id,
                "label_format_id": cls.format_3x7.id,
            }
        )
        france = cls.env.ref("base.fr")
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Label Company {index:02d}",
                    "is_company": True,
                    "street": f"{index} rue de la Paix",
                    "zip": "75002",
                    "city": "Paris",
                    "country_id": france.id,
                }
                for index in range(50)
            ]
        )
        cls.step._add_targets(cls.partners)

    def setUp(self):
        super().setUp()
        # the PDF engine fetches the report's styles from this server
        self.env["ir.config_parameter"].sudo().set_param("report.url", self.base_url())

    def render(self, targets, label_format):
        step = self.step.with_user(self.user).with_context(force_report_rendering=True)
        return step._render_labels_pdf(targets.with_user(self.user), label_format)

    def assert_positions(self, content, names, lefts, tops, font_size):
        """The ``names`` are printed label after label, row after row, at the text positions
        ``lefts`` (one per column) and ``tops`` (one per row), a new page when a sheet is full."""
        positions = text_positions(content)
        per_page = len(lefts) * len(tops)
        offsets = []
        for index, name in enumerate(names):
            self.assertEqual(len(positions[name]), 1, name)
            page, x, y = positions[name][0]
            row, column = divmod(index % per_page, len(lefts))
            self.assertEqual(page, index // per_page, name)
            self.assertAlmostEqual(x, lefts[column], delta=0.5, msg=name)
            offsets.append(y - tops[row])
        # the first line sits at the same place in every label, within its first line
        self.assertLess(max(offsets) - min(offsets), 0.5)
        self.assertGreater(min(offsets), 0)
        self.assertLess(max(offsets), font_size * 1.2 / MM)

    def test_labels_on_a_3x7_sheet(self):
        targets = self.step.target_ids.sorted("partner_name")
        content = self.render(targets, self.format_3x7)
        reader = PdfReader(io.BytesIO(content))
        self.assertEqual(len(reader.pages), 3)
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width) / MM, 210, delta=0.5)
        self.assertAlmostEqual(float(box.height) / MM, 297, delta=0.5)
        self.assert_positions(
            content, targets.partner_id.mapped("name"), TEXT_LEFT_3X7, TEXT_TOP_3X7, font_size=10
        )
        self.assertEqual(len(text_positions(content)["75002 Paris"]), 50)

    def test_envelopes_one_per_page(self):
        targets = self.step.target_ids.sorted("partner_name")[:2]
        content = self.render(targets, self.format_dl)
        reader = PdfReader(io.BytesIO(content))
        self.assertEqual(len(reader.pages), 2)
        box = reader.pages[0].mediabox
        self.assertAlmostEqual(float(box.width) / MM, 220, delta=0.5)
        self.assertAlmostEqual(float(box.height) / MM, 110, delta=0.5)
        positions = text_positions(content)
        for page, name in enumerate(targets.partner_id.mapped("name")):
            self.assertEqual(positions[name][0][0], page)
            self.assertAlmostEqual(positions[name][0][1], 110, delta=0.5)
            self.assertAlmostEqual(
                positions[name][0][2] - 50,
                positions[targets[0].partner_id.name][0][2] - 50,
                delta=0.5,
            )

    def test_launch_attaches_the_labels(self):
        step = self.step.with_user(self.user).with_context(force_report_rendering=True)
        step.action_launch()
        self.assertEqual(step.output_attachment_id.mimetype, "application/pdf")
        self.assertEqual(len(PdfReader(io.BytesIO(step.output_attachment_id.raw)).pages), 3)
        self.assertEqual(set(step.target_ids.state_id.mapped("kind")), {"ok"})
