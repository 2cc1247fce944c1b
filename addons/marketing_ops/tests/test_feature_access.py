"""What each group of marketing_ops may do, feature by feature, as a table: a user of the group
(and of nothing else) runs the feature through the actions the screens call, and gets it done, or
is refused on that action with a message that names the group which may.

Every row runs as a user of the group, never as the superuser: the launches check it (see
``MarketingOpsCase``)."""

import base64

from odoo import Command
from odoo.tests import tagged

from .common import MarketingOpsCase
from .feature_table import OK, FeatureTableMixin, refused
from .test_document_mailing import make_letter

GROUPS = {
    "user": "marketing_ops.marketing_ops_group_user",
    "manager": "marketing_ops.marketing_ops_group_manager",
}
ANYONE = {"user": OK, "manager": OK}
MANAGERS = {"user": refused("marketing_ops.marketing_ops_group_manager"), "manager": OK}

# feature -> group -> what a user of the group gets
TABLE = {
    "launch emailing": ANYONE,
    "launch mass emailing": ANYONE,
    "launch document mailing": ANYONE,
    "launch label mailing": ANYONE,
    "launch faxing": ANYONE,
    "launch spreadsheet export": ANYONE,
    "launch phoning": ANYONE,
    "launch other": ANYONE,
    "launch for one partner": ANYONE,
    "launch for one contact": ANYONE,
    "load a template": ANYONE,
    "add targets": ANYONE,
    "add contacts by function": ANYONE,
    "import targets": ANYONE,
    "distribute to next steps": ANYONE,
    "call session": ANYONE,
    "export the list": ANYONE,
    "print labels": ANYONE,
    "merge the letter": ANYONE,
    "daily activity report": ANYONE,
    "configure step types": MANAGERS,
    "configure label formats": MANAGERS,
    "configure target statuses": MANAGERS,
}


@tagged("post_install", "-at_install")
class TestFeatureAccess(FeatureTableMixin, MarketingOpsCase):
    GROUPS, TABLE, LOGIN_PREFIX = GROUPS, TABLE, "mo_feature"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "company@example.com"
        cls.env.company.marketing_fax_gateway_domain = "fax.example.com"
        cls.setup_members()
        cls.globex.write({"email": "info@globex.example.com", "fax": "+33 1 23 45 67"})
        cls.alice.write({"email": "alice@example.com", "function": "Purchasing"})
        cls.template = cls.env["mail.template"].create(
            {
                "name": "Feature invitation",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": "Hello {{ object.name }}",
                "email_from": "marketing@example.com",
                "body_html": "<p>Dear <t t-out='object.name'/></p>",
            }
        )
        cls.survey = cls.env["survey.survey"].create(
            {
                "title": "Feature call",
                "access_mode": "public",
                "question_and_page_ids": [
                    Command.create({"title": "Catalogue?", "question_type": "char_box"})
                ],
            }
        )
        cls.operation = cls.create_operation("Feature fair")
        ref = cls.env.ref
        kinds = {
            "emailing": {"mail_template_id": cls.template.id},
            "mass_emailing": {"mail_template_id": cls.template.id},
            "document_mailing": {
                "document_template": make_letter(["partner__name"]),
                "document_template_name": "letter.docx",
            },
            "label_mailing": {
                "label_format_id": ref("marketing_ops.marketing_label_format_a4_3x7").id
            },
            "faxing": {"mail_template_id": cls.template.id},
            "spreadsheet_export": {
                "export_column_ids": [
                    Command.create({"name": "Name", "field_path": "partner_id.name"})
                ]
            },
            "phoning": {"survey_id": cls.survey.id},
            "other": {},
        }
        cls.steps = {}
        for kind, values in kinds.items():
            step = cls.create_step(
                cls.operation,
                f"Feature {kind}",
                step_type_id=ref(f"marketing_ops.marketing_step_type_{kind}").id,
                **values,
            )
            step._add_targets(cls.alice | cls.globex)
            cls.steps[kind] = step
        # a step whose targets are processed, and its next step
        cls.called = cls.create_step(cls.operation, "Feature called")
        cls.called._add_targets(cls.alice | cls.globex)
        cls.called.target_ids.write({"state_id": cls.state_ok.id})
        cls.next_step = cls.create_step(cls.operation, "Feature next")
        cls.env["marketing.operation.transition"].create(
            {
                "step_id": cls.called.id,
                "destination_step_ids": [Command.set(cls.next_step.ids)],
            }
        )
        cls.template_operation = cls.create_operation("Feature template", is_template=True)
        cls.create_step(cls.template_operation, "Template step")
        cls.empty_operation = cls.create_operation("Feature new")
        cls.blank_step = cls.create_step(cls.operation, "Feature blank")

    # ---- the features, run in the environment of the user ------------------------------------

    def step(self, kind):
        return self.mine(self.steps[kind])

    def launch(self, kind):
        step = self.step(kind)
        step.action_launch()
        if kind == "mass_emailing":
            self.assertTrue(step.mailing_id, "the mailing of the step is made")
            return
        # every target processed: Globex sent to (it has an address and a fax number), Acme's
        # contact Alice skipped where she has no fax number
        self.assertNotIn("todo", step.target_ids.state_id.mapped("kind"), kind)
        globex = step.target_ids.filtered(lambda t: t.partner_id == self.globex)
        self.assertEqual(globex.state_id.kind, "ok", kind)

    def feature_launch_for_one_partner(self):
        target = self.step("other").target_ids.filtered(lambda t: t.partner_id == self.globex)
        target.action_launch()
        self.assertEqual(target.state_id, self.state_ok)

    def feature_launch_for_one_contact(self):
        contact = self.step("emailing").target_ids.contact_ids[:1]
        contact.action_launch()
        self.assertEqual(contact.state_id, self.state_ok)

    def feature_load_a_template(self):
        operation = self.mine(self.empty_operation)
        wizard = self.env["marketing.operation.template.load"].create(
            {"operation_id": operation.id, "template_operation_id": self.template_operation.id}
        )
        wizard.action_load()
        self.assertEqual(operation.step_ids.mapped("name"), ["Template step"])

    def feature_add_targets(self):
        step = self.mine(self.blank_step)
        wizard = self.env["marketing.operation.step.targeting"].create(
            {"step_id": step.id, "filter_domain": f"[('id', '=', {self.solo.id})]"}
        )
        wizard.action_apply()
        self.assertEqual(step.target_ids.partner_id, self.solo)

    def feature_add_contacts_by_function(self):
        step = self.mine(self.blank_step)
        step._add_targets(self.acme)
        wizard = self.env["marketing.operation.step.function"].create(
            {"step_id": step.id, "functions": "purchas"}
        )
        wizard.action_apply()
        self.assertEqual(step.target_ids.contact_ids.partner_id, self.alice)

    def feature_import_targets(self):
        step = self.mine(self.blank_step)
        wizard = self.env["marketing.operation.step.import"].create(
            {
                "step_id": step.id,
                "file": base64.b64encode(b"Name\r\nGlobex Test\r\n"),
                "file_name": "targets.csv",
            }
        )
        wizard.action_preview()
        wizard.action_import()
        self.assertEqual(step.target_ids.partner_id, self.globex)

    def feature_distribute_to_next_steps(self):
        self.mine(self.called).action_distribute()
        self.assertEqual(
            set(self.mine(self.next_step).target_ids.partner_id), {self.acme, self.globex}
        )

    def feature_call_session(self):
        action = self.step("phoning").action_start_calls()
        session = self.env[action["res_model"]].browse(action["res_id"])
        session.action_start()
        self.assertTrue(session.target_id)
        session.action_next()

    def feature_export_the_list(self):
        action = self.step("spreadsheet_export").target_ids.action_export_list()
        self.assertIn("/web/content/", action["url"])

    def feature_print_labels(self):
        action = self.step("label_mailing").target_ids.action_print_labels()
        self.assertIn("/web/content/", action["url"])

    def feature_merge_the_letter(self):
        action = self.step("document_mailing").target_ids.action_merge_letter()
        self.assertIn("/web/content/", action["url"])

    def feature_daily_activity_report(self):
        Report = self.env["marketing.activity.report"]
        Report.search_read([], ["user_id", "date", "call_count"])
        Report.read_group([], ["call_count:sum"], ["user_id"])

    def feature_configure_step_types(self):
        self.env["marketing.step.type"].create({"name": "Feature type", "kind": "other"})

    def feature_configure_label_formats(self):
        self.env["marketing.label.format"].create({"name": "Feature labels"})

    def feature_configure_target_statuses(self):
        self.env["marketing.target.state"].create({"name": "Feature status", "kind": "ok"})

    def run_feature(self, feature):
        if feature.startswith("launch ") and feature[7:].replace(" ", "_") in self.steps:
            return self.launch(feature[7:].replace(" ", "_"))
        return super().run_feature(feature)

    def test_every_feature_has_a_runner(self):
        for feature in TABLE:
            with self.subTest(feature=feature):
                kind = feature[7:].replace(" ", "_") if feature.startswith("launch ") else None
                self.assertTrue(
                    kind in self.steps or hasattr(self, "feature_" + feature.replace(" ", "_"))
                )
        self.assertEqual(
            {kind for kind, _label in self.env["marketing.step.type"]._fields["kind"].selection},
            set(self.steps),
            "every step kind has its launch row",
        )

    def test_refusal_in_the_language_of_the_user(self):
        """A French user is refused in French, the group that may named in French."""
        self.assertRefusedInLanguage(
            "configure step types", "user", "fr_FR", ("base", "marketing_ops")
        )
