import base64
import io
from datetime import datetime, timedelta

import docx

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MailCase
from odoo.addons.marketing_ops.tests.common import MarketingOpsCase
from odoo.addons.marketing_ops.tests.test_document_mailing import make_letter

CSV = (
    "Reference;Company;City\n"
    "TS-ACME;Acme Furniture;Lyon\n"
    "TS-GLOBEX;Globex Interiors;Gent\n"
    "TS-INITECH;Initech Office;Porto\n"
    "TS-UMBRELLA;Umbrella Retail;Nantes\n"
)


@tagged("post_install", "-at_install")
class TestUseCaseTradeShow(MarketingOpsCase, MailCase):
    """A trade show in six steps, from its template to its return on investment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.email = "company@example.com"
        cls.user.email = "marketer@example.com"
        cls.payment_user = new_test_user(
            cls.env,
            "cp_trade_show_payments",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_user",
        )
        # who builds templates picks the questions of their conditions: surveys rights too
        cls.consultant = new_test_user(
            cls.env,
            "mo_trade_show_consultant",
            groups="marketing_ops.marketing_ops_group_manager,survey.group_survey_user",
        )
        france = cls.env.ref("base.fr")
        cls.acme, cls.globex, cls.initech, cls.umbrella = cls.Partner.create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "ref": ref,
                    "email": f"{ref.lower()}@example.com",
                    "street": f"{index} rue du Salon",
                    "zip": "75015",
                    "city": "Paris",
                    "country_id": france.id,
                }
                for index, (ref, name) in enumerate(
                    [
                        ("TS-ACME", "Acme Furniture"),
                        ("TS-GLOBEX", "Globex Interiors"),
                        ("TS-INITECH", "Initech Office"),
                        ("TS-UMBRELLA", "Umbrella Retail"),
                    ],
                    start=1,
                )
            ]
        )
        cls.companies = cls.acme | cls.globex | cls.initech | cls.umbrella
        cls.won_stage = cls.env["crm.stage"].create(
            {"name": "Signed (trade show)", "is_won": True, "sequence": 99}
        )

        # what the consultant prepares once: questionnaires, emails, a meeting tag, a letter
        cls.qualification = cls.env["survey.survey"].create(
            {"title": "Trade show qualification", "access_mode": "token"}
        )
        cls.q_catalogue = cls.env["survey.question"].create(
            {
                "survey_id": cls.qualification.id,
                "title": "Do you want our catalogue?",
                "question_type": "simple_choice",
                "suggested_answer_ids": [
                    Command.create({"value": "Yes", "sequence": 1}),
                    Command.create({"value": "No", "sequence": 2}),
                ],
            }
        )
        cls.yes, cls.no = cls.q_catalogue.suggested_answer_ids
        cls.satisfaction = cls.env["survey.survey"].create({"title": "How was our booth?"})
        cls.invitation = cls.mail_template("Invitation", "Visit our booth at {{ operation.name }}")
        cls.confirmation = cls.mail_template(
            "Confirmation", "{{ operation.name }}: your appointment is confirmed"
        )
        cls.appointment_tag = cls.env["calendar.event.type"].create({"name": "Show appointment"})

        # the template operation, built by the consultant
        Step = cls.env["marketing.operation.step"].with_user(cls.consultant)
        cls.template = (
            cls.env["marketing.operation"]
            .with_user(cls.consultant)
            .create({"name": "Trade show (template)", "is_template": True, "budget": 6000.0})
        )

        def step(name, sequence, step_type=None, parent=None, **values):
            return Step.create(
                {
                    "operation_id": cls.template.id,
                    "name": name,
                    "sequence": sequence,
                    "is_final": bool(step_type),
                    "step_type_id": step_type and cls.env.ref(step_type).id,
                    "parent_id": parent and parent.id,
                    **values,
                }
            )

        email = step(
            "Prospecting email",
            10,
            "marketing_ops.marketing_step_type_emailing",
            mail_template_id=cls.invitation.id,
        )
        call = step(
            "Phone call with questionnaire",
            20,
            "marketing_ops.marketing_step_type_phoning",
            survey_id=cls.qualification.id,
        )
        catalogue = step("Catalogue", 30)
        labels = step(
            "Catalogue labels",
            1,
            "marketing_ops.marketing_step_type_label_mailing",
            parent=catalogue,
            label_format_id=cls.env.ref("marketing_ops.marketing_label_format_a4_3x7").id,
        )
        letter = step(
            "Catalogue letter",
            2,
            "marketing_ops.marketing_step_type_document_mailing",
            parent=catalogue,
            document_template=make_letter(["partner__name", "operation__name"]),
            document_template_name="catalogue.docx",
        )
        reminder = step(
            "Phone reminder and appointment",
            40,
            "marketing_ops.marketing_step_type_phoning",
            survey_id=cls.qualification.id,
            event_mode="meeting",
            event_type_id=cls.appointment_tag.id,
            duration=0.5,
        )
        confirmation = step(
            "Confirmation email",
            50,
            "marketing_ops.marketing_step_type_emailing",
            mail_template_id=cls.confirmation.id,
        )
        satisfaction = step(
            "Satisfaction survey",
            60,
            "marketing_ops.marketing_step_type_other",
            survey_id=cls.satisfaction.id,
        )
        said_yes = {
            "code": "C1",
            "condition_type": "answer",
            "question_id": cls.q_catalogue.id,
            "operator": "equals",
            "value": "Yes",
        }
        Transition = cls.env["marketing.operation.transition"].with_user(cls.consultant)
        for source, destinations, conditions, formula in (
            (email, call, [], False),
            (call, labels | letter, [said_yes], False),
            (call, reminder, [said_yes], "not C1"),
            (reminder, confirmation, [], False),
            (labels, satisfaction, [], False),
            (confirmation, satisfaction, [], False),
        ):
            Transition.create(
                {
                    "step_id": source.id,
                    "destination_step_ids": [Command.set(destinations.ids)],
                    "condition_ids": [Command.create(values) for values in conditions],
                    "formula": formula,
                }
            )

        # the operation's costs are booked on its analytic account by accounting
        plan = cls.env["account.analytic.plan"].create({"name": "Trade shows"})
        cls.account = cls.env["account.analytic.account"].create(
            {"name": "ERP Show 2026", "plan_id": plan.id}
        )

    @classmethod
    def mail_template(cls, name, subject):
        return cls.env["mail.template"].create(
            {
                "name": name,
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "subject": subject,
                "email_from": "marketing@example.com",
                "body_html": "<p>Dear <t t-out='object.name'/>, <t t-out='step.name'/></p>",
            }
        )

    def mails_of(self, step):
        return self.env["mail.mail"].sudo().search([("marketing_step_id", "=", step.id)])

    def partners_of(self, step):
        return step.target_ids.partner_id

    def distribute(self, step):
        return step.with_user(self.user).action_distribute()["params"]["message"]

    def answer_questionnaire(self, target, choice):
        """The partner answers the questionnaire the caller opened for it."""
        answer = target.user_input_id.sudo()
        answer._save_lines(self.q_catalogue, choice.id)
        answer._mark_done()

    def test_trade_show_from_template_to_roi(self):
        env = self.env(user=self.user)
        Step = env["marketing.operation.step"]

        # 1. the operation is created from the six-step template
        operation = env["marketing.operation"].create(
            {"name": "ERP Show 2026", "analytic_account_id": self.account.id}
        )
        env["marketing.operation.template.load"].create(
            {"operation_id": operation.id, "template_operation_id": self.template.id}
        ).action_load()
        self.assertEqual(
            operation.step_ids.filtered(lambda s: not s.parent_id).mapped("name"),
            [
                "Prospecting email",
                "Phone call with questionnaire",
                "Catalogue",
                "Phone reminder and appointment",
                "Confirmation email",
                "Satisfaction survey",
            ],
        )
        self.assertEqual(operation.budget, 6000.0)
        steps = {step.name: step for step in operation.step_ids}
        email = steps["Prospecting email"]
        call = steps["Phone call with questionnaire"]
        labels, letter = steps["Catalogue labels"], steps["Catalogue letter"]
        reminder = steps["Phone reminder and appointment"]
        confirmation = steps["Confirmation email"]
        satisfaction = steps["Satisfaction survey"]
        self.assertEqual(call.transition_ids.destination_step_ids, labels | letter | reminder)
        self.assertEqual(Step.search_count([("operation_id", "=", self.template.id)]), 8)

        # 2. the targets are imported from a CSV file
        wizard = env["marketing.operation.step.import"].create(
            {
                "step_id": email.id,
                "file": base64.b64encode(CSV.encode()),
                "file_name": "erp_show_prospects.csv",
            }
        )
        wizard.action_preview()
        wizard.action_import()
        self.assertTrue(wizard.report.startswith("4 lines added (4 new targets, 0 new contacts)"))
        self.assertEqual(self.partners_of(email), self.companies)

        # 3. the prospecting emails are sent: one per target
        with self.mock_mail_gateway():
            email.action_launch()
        mails = self.mails_of(email)
        self.assertEqual(len(mails), 4)
        self.assertEqual(set(mails.mapped("res_id")), set(self.companies.ids))
        self.assertIn("Visit our booth at ERP Show 2026", mails.mapped("subject"))
        self.assertEqual(set(email.target_ids.mapped("state_kind")), {"ok"})
        # a transition without conditions moves the processed targets on at once
        self.assertEqual(self.partners_of(call), self.companies)

        # 4. the call session: each partner answers the questionnaire
        answers = {self.acme: self.yes, self.globex: self.yes, self.initech: self.no}
        action = call.with_user(self.user).action_start_calls()
        session = env[action["res_model"]].browse(action["res_id"])
        session.action_start()
        called = env["res.partner"]
        while session.session_state == "call":
            target = session.target_id
            session.action_open_questionnaire()
            self.answer_questionnaire(target, answers.get(target.partner_id, self.no))
            called |= target.partner_id
            session.action_next()
        self.assertEqual(called, self.companies)
        self.assertEqual(set(call.target_ids.mapped("state_kind")), {"ok"})
        self.assertEqual(
            set(call.target_ids.user_input_id.mapped("state")), {"done"}, "four answers"
        )

        # 5. distribution by formula: the catalogue to the "Yes", the reminder to the others
        message = self.distribute(call)
        self.assertIn("Catalogue labels: 2 added", message)
        self.assertIn("Phone reminder and appointment: 2 added", message)
        self.assertEqual(self.partners_of(labels), self.acme | self.globex)
        self.assertEqual(self.partners_of(letter), self.acme | self.globex)
        self.assertEqual(self.partners_of(reminder), self.initech | self.umbrella)

        # 6. the catalogue: labels and a merged letter
        labels.action_launch()
        self.assertTrue(labels.output_attachment_id.raw)
        self.assertEqual(labels.output_attachment_id.res_id, labels.id)
        self.assertIn("labels.pdf", labels.output_attachment_id.name)
        letter.action_launch()
        merged = docx.Document(io.BytesIO(letter.output_attachment_id.raw))
        text = "\n".join(p.text for p in merged.paragraphs)
        self.assertEqual(letter.output_attachment_id.name, "catalogue - merged.docx")
        for partner in self.acme | self.globex:
            self.assertEqual(text.count(f"partner__name: {partner.name}"), 1)
        self.assertEqual(text.count("operation__name: ERP Show 2026"), 2)

        # 7. the reminder books an appointment with each partner
        reminder.date_planned = datetime(2026, 10, 12, 9, 0)
        reminder.action_launch()
        events = env["calendar.event"].search([("marketing_step_id", "=", reminder.id)])
        self.assertEqual(len(events), 2)
        for target in reminder.target_ids:
            self.assertIn(target.partner_id, target.event_id.partner_ids)
            self.assertEqual(target.event_id.categ_ids, self.appointment_tag)
            self.assertEqual(target.event_id.stop - target.event_id.start, timedelta(minutes=30))
        self.assertEqual(target.event_id.user_id, self.user)

        # 8. the confirmation emails to those who have an appointment
        self.assertEqual(self.partners_of(confirmation), self.initech | self.umbrella)
        with self.mock_mail_gateway():
            confirmation.action_launch()
        self.assertEqual(
            set(self.mails_of(confirmation).mapped("res_id")),
            set((self.initech | self.umbrella).ids),
        )

        # 9. the satisfaction survey for everyone who came this far
        self.assertEqual(self.partners_of(satisfaction), self.companies)
        self.assertEqual(satisfaction.survey_id, self.satisfaction)
        satisfaction.action_launch()
        self.assertEqual(set(satisfaction.target_ids.mapped("state_kind")), {"ok"})
        self.assertEqual(operation.sent_email_count, 6)
        self.assertEqual(operation.survey_answer_count, 4)

        # 10. costs from the analytic lines, revenue from a won deal and a collected payment
        self.env["account.analytic.line"].create(
            [
                {"name": "Booth rental", "auto_account_id": self.account.id, "amount": -3000.0},
                {
                    "name": "Catalogue printing",
                    "auto_account_id": self.account.id,
                    "amount": -1500.0,
                },
            ]
        )
        deal = env["crm.lead"].create(
            {
                "name": "Showroom fitting",
                "type": "opportunity",
                "partner_id": self.acme.id,
                "campaign_id": operation.utm_campaign_id.id,
                "expected_revenue": 12000.0,
            }
        )
        deal.stage_id = self.won_stage
        self.assertEqual(deal.probability, 100.0)
        payment = (
            self.env["crm.payment"]
            .with_user(self.payment_user)
            .create(
                {
                    "partner_id": self.globex.id,
                    "amount": 1500.0,
                    "date_due": fields.Date.today() + timedelta(days=10),
                    "operation_id": operation.id,
                    "user_id": self.payment_user.id,
                }
            )
        )
        payment.action_confirm()
        payment.action_mark_paid()
        self.assertEqual(payment.campaign_id, operation.utm_campaign_id)
        operation.invalidate_recordset()
        self.assertAlmostEqual(operation.actual_cost, 4500.0)
        self.assertAlmostEqual(operation.actual_revenue, 13500.0)
        self.assertAlmostEqual(operation.actual_roi, 2.0)  # (13500 - 4500) / 4500
