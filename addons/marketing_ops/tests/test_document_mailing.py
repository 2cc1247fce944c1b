import base64
import io

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from odoo.exceptions import UserError
from odoo.tests import users

from .common import MarketingOpsCase


def merge_field_paragraph(container, *parts):
    """A paragraph of text and Word MERGEFIELDs: parts are text, or ("field", name)."""
    paragraph = container.add_paragraph()
    for part in parts:
        if isinstance(part, tuple):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), f" MERGEFIELD {part[1]} \\* MERGEFORMAT ")
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = f"«{part[1]}»"
            run.append(text)
            field.append(run)
            paragraph._p.append(field)
        else:
            paragraph.add_run(part)
    return paragraph


def make_letter(body_fields, header_field=None):
    """A .docx letter (base64) with the merge fields ``body_fields``, one per paragraph."""
    document = docx.Document()
    if header_field:
        merge_field_paragraph(document.sections[0].header, "To ", ("field", header_field))
    for name in body_fields:
        merge_field_paragraph(document, f"{name}: ", ("field", name))
    output = io.BytesIO()
    document.save(output)
    return base64.b64encode(output.getvalue())


class TestDocumentMailing(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.type_document = cls.env.ref("marketing_ops.marketing_step_type_document_mailing")
        cls.operation = cls.create_operation("Letter fair", target_individuals=True)
        cls.acme.write({"city": "Lyon", "country_id": cls.env.ref("base.fr").id})
        cls.globex.write({"city": "Gent", "country_id": cls.env.ref("base.be").id})
        cls.solo.write({"city": "Porto"})
        cls.step = cls.create_step(
            cls.operation,
            "Catalogue letter",
            step_type_id=cls.type_document.id,
            document_template=make_letter(
                [
                    "partner__name",
                    "partner__city",
                    "partner__country_id__name",
                    "contact__name",
                    "step__name",
                    "operation__name",
                    "user__name",
                    "today",
                ],
                header_field="partner__name",
            ),
            document_template_name="catalogue.docx",
        )
        cls.step._add_targets(cls.alice | cls.globex | cls.solo)

    @users("mo_test_user")
    def test_merged_letter_one_section_per_target(self):
        step = self.step.with_env(self.env)
        self.assertFalse(step.document_unknown_fields)
        self.assertIn("partner__country_id__name", step.document_merge_fields)
        targets = step.target_ids
        merged = docx.Document(io.BytesIO(step._render_document_merge(targets)))
        self.assertEqual(len(merged.sections), 3)
        text = "\n".join(p.text for p in merged.paragraphs)
        for name, city in (
            ("Acme Test", "Lyon"),
            ("Globex Test", "Gent"),
            ("Solo Individual", "Porto"),
        ):
            self.assertEqual(text.count(f"partner__name: {name}"), 1)
            self.assertEqual(text.count(f"partner__city: {city}"), 1)
        self.assertEqual(text.count("partner__country_id__name: France"), 1)
        self.assertEqual(text.count("contact__name: Alice Acme"), 1)
        self.assertEqual(text.count("step__name: Catalogue letter"), 3)
        self.assertEqual(text.count(f"user__name: {self.env.user.name}"), 3)
        self.assertNotIn("«", text)
        self.assertEqual(text.count("operation__name: Letter fair"), 3)
        # each section's header names its own partner
        headers = [
            "\n".join(p.text for p in section.header.paragraphs).strip()
            for section in merged.sections
        ]
        self.assertEqual(sorted(headers), ["To Acme Test", "To Globex Test", "To Solo Individual"])

    @users("mo_test_user")
    def test_unknown_fields_listed_and_refused(self):
        step = self.step.with_env(self.env)
        step.document_template = make_letter(
            ["partner__name", "partner__nam", "invoice__total", "partner"]
        )
        self.assertEqual(step.document_unknown_fields, "invoice__total, partner, partner__nam")
        with self.assertRaisesRegex(UserError, "invoice__total, partner, partner__nam"):
            step._render_document_merge(step.target_ids)

    @users("mo_test_user")
    def test_field_list_names_the_fields(self):
        step = self.step.with_env(self.env)
        content = base64.b64decode(step.document_field_list).decode()
        for name in (
            "partner__name",
            "partner__city",
            "partner__country_id__name",
            "operation__name",
            "today",
        ):
            self.assertIn(f"\n{name}\t", content)
        action = step.action_download_field_list()
        self.assertIn("field=document_field_list", action["url"])

    @users("mo_test_user")
    def test_launch_attaches_the_merged_letter(self):
        step = self.step.with_env(self.env)
        step.write({"document_per_partner": True, "event_mode": "meeting"})
        step.action_launch()
        merged = docx.Document(io.BytesIO(step.output_attachment_id.raw))
        self.assertEqual(len(merged.sections), 3)
        self.assertEqual(step.output_attachment_id.name, "catalogue - merged.docx")
        self.assertEqual(set(step.target_ids.state_id.mapped("kind")), {"ok"})
        for target in step.target_ids:
            letters = self.env["ir.attachment"].search(
                [("res_model", "=", "calendar.event"), ("res_id", "=", target.event_id.id)]
            )
            self.assertEqual(len(letters), 1)
            text = "\n".join(p.text for p in docx.Document(io.BytesIO(letters.raw)).paragraphs)
            self.assertIn(f"partner__name: {target.partner_id.name}", text)

    @users("mo_test_user")
    def test_launch_refused_with_unknown_fields(self):
        step = self.step.with_env(self.env)
        step.document_template = make_letter(["partner__name", "partner__town"])
        with self.assertRaises(UserError) as caught:
            step.action_launch()
        self.assertIn("partner__town", str(caught.exception))
        self.assertEqual(set(step.target_ids.state_id.mapped("kind")), {"todo"})
        self.assertFalse(step.output_attachment_id)
