"""Use cases 1 to 3 of docs/use-cases.md built from scratch by a Marketing Automation Manager who
has no other right than Employee: the campaign, its activities and their timing chosen through the
ORM calls the forms make, the campaign started by that manager; the crons then run as they do."""

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, MarketingAutomationCommon

MANAGER_GROUPS = "base.group_user,marketing_automation_ext.marketing_automation_ext_group_manager"


@tagged("post_install", "-at_install")
class TestUseCasesBuiltByManager(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.builder = new_test_user(
            cls.env, "uc_builder", groups=MANAGER_GROUPS, email="builder@uc.example.com"
        )

    def _as_builder(self, model):
        env = self.env(user=self.builder)
        self.assertFalse(env.su)
        self.assertFalse(env.user.has_group("base.group_system"))
        self.assertFalse(env.user.has_group("base.group_erp_manager"))
        return env[model]

    def _pick_model(self, model):
        """The target as the campaign form's dropdown finds it."""
        return self._as_builder("ir.model").search([("model", "=", model)])

    def _pick_date_field(self, model, name):
        """The record date as the activity form's dropdown finds it, by its label."""
        Fields = self._as_builder("ir.model.fields")
        label = self.env["ir.model.fields"]._get(model, name).field_description
        found = Fields.name_search(
            label,
            [("model", "=", model), ("ttype", "in", ("date", "datetime")), ("store", "=", True)],
        )
        field = Fields.browse([field_id for field_id, _name in found])
        return field.filtered(lambda f: f.name == name)

    def _builder_activity(self, campaign, name, **values):
        activity = self._as_builder("marketing.automation.activity").create(
            {
                "name": name,
                "campaign_id": campaign.id,
                "trigger_type": "begin",
                "activity_type": "email",
                "interval_number": 0,
                **values,
            }
        )
        body = '<p>Hello <t t-out="object.name"/></p>'
        activity.mailing_id.write({"body_arch": body, "body_html": body})
        return activity

    def _run_crons(self):
        """The execute cron, as the scheduler runs it."""
        self.env["marketing.automation.trace"].sudo()._cron_execute()

    # ------------------------------------------------------------------ use case 1

    def test_uc1_discount_two_months_after_creation(self):
        qualified = self._as_builder("crm.tag").sudo().create({"name": "Qualified"})
        campaign = self._as_builder("marketing.automation.campaign").create(
            {
                "name": "Discount for leads left unqualified",
                "model_id": self._pick_model("crm.lead").id,
                "domain": repr(
                    [
                        ("type", "=", "lead"),
                        ("tag_ids", "not in", qualified.ids),
                        ("email_from", "like", "@uc1.example.com"),
                    ]
                ),
                "enrol_by_filter": True,
                "enrol_on_change": True,
            }
        )
        created_on = self._pick_date_field("crm.lead", "create_date")
        self.assertEqual(len(created_on), 1, "the manager finds the field Created on")
        discount = self._builder_activity(
            campaign,
            "Discount",
            interval_number=2,
            interval_type="months",
            anchor_field_id=created_on.id,
        )
        # the campaign opened again by its builder: the form reads the activity's timing
        campaign.invalidate_recordset()
        discount.invalidate_recordset()
        self.assertEqual(discount.schedule_summary, "2 months after the record's Created on")
        self.assertEqual(discount.anchor_field_id.display_name, created_on.display_name)
        campaign.activity_ids.read(["schedule_summary", "anchor_field_id"])

        salesman = new_test_user(self.env, "uc1_salesman", groups="sales_team.group_sale_salesman")
        Lead = self.env["crm.lead"].with_user(salesman)
        with self.mock_datetime_and_now(NOW - relativedelta(months=1)):
            early = Lead.create(
                {"name": "Early", "type": "lead", "email_from": "e@uc1.example.com"}
            )
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            campaign.sudo()._enrol_participants()  # as the enrolment cron does
            waiting = Lead.create(
                {"name": "Waiting", "type": "lead", "email_from": "w@uc1.example.com"}
            )
        self.assertEqual(campaign.state, "running")
        self.assertEqual(
            self._trace_of(discount, early).schedule_date, NOW + relativedelta(months=1)
        )
        self.assertEqual(
            self._trace_of(discount, waiting).schedule_date, NOW + relativedelta(months=2)
        )
        with self.mock_datetime_and_now(NOW + relativedelta(months=2)), self.mock_mail_gateway():
            self._run_crons()
        self.assertEqual(
            self._queued_mails(campaign).mapped("email_to"),
            ["e@uc1.example.com", "w@uc1.example.com"],
        )

    # ------------------------------------------------------------------ use case 2

    def test_uc2_meeting_proposal_every_first_of_october(self):
        self.env.company.partner_id.tz = "Europe/Paris"
        campaign = self._as_builder("marketing.automation.campaign").create(
            {
                "name": "Meeting proposal to buyers",
                "model_id": self._pick_model("res.partner").id,
                "domain": repr(
                    [("function", "ilike", "purchas"), ("email", "like", "@buyers.example.com")]
                ),
                "enrol_by_filter": True,
            }
        )
        proposal = self._builder_activity(
            campaign,
            "Meeting proposal",
            schedule_mode="yearly",
            schedule_date=datetime(2026, 10, 1, 7, 0),  # 9:00 in Paris, summer time
        )
        self.assertEqual(proposal.schedule_summary, "Every year on 1 October at 09:00")
        buyer = self.env["res.partner"].create(
            {"name": "Buyer", "function": "Purchasing", "email": "b@buyers.example.com"}
        )
        with self.mock_datetime_and_now(datetime(2026, 3, 2, 9, 0)):
            campaign.action_start()
            campaign.sudo()._enrol_participants()
        self.assertEqual(self._trace_of(proposal, buyer).schedule_date, datetime(2026, 10, 1, 7, 0))
        with self.mock_datetime_and_now(datetime(2026, 10, 1, 7, 0)), self.mock_mail_gateway():
            self._run_crons()
        self.assertEqual(self._queued_mails(campaign).mapped("email_to"), ["b@buyers.example.com"])
        self.assertEqual(
            self._trace_of(proposal, buyer)
            .filtered(lambda t: t.state == "scheduled")
            .schedule_date,
            datetime(2027, 10, 1, 7, 0),
            "next year's proposal is planned",
        )

    # ------------------------------------------------------------------ use case 3

    def test_uc3_plan_of_four_emails_ninety_days_apart(self):
        hot = self.env["res.partner.category"].create({"name": "hot"})
        contact = self.env["res.partner"].create(
            {"name": "Hot", "email": "hot@hot.example.com", "category_id": [(6, 0, hot.ids)]}
        )
        campaign = self._as_builder("marketing.automation.campaign").create(
            {
                "name": "Plan for hot contacts",
                "model_id": self._pick_model("res.partner").id,
                "domain": repr([("category_id", "in", hot.ids)]),
            }
        )
        plan = self._builder_activity(
            campaign,
            "Hot plan",
            recurrence_interval=90,
            recurrence_unit="days",
            recurrence_count=4,
        )
        self.assertEqual(plan.schedule_summary, "At enrolment, then every 90 days, 4 times in all")
        start = datetime(2026, 3, 2, 8, 0)
        with self.mock_datetime_and_now(start):
            campaign.action_start()
            campaign.sudo()._enrol_participants()
        for run in range(4):
            with self.mock_datetime_and_now(start + timedelta(days=90 * run)):
                with self.mock_mail_gateway():
                    self._run_crons()
        traces = self._trace_of(plan, contact)
        self.assertEqual(
            sorted(traces.mapped("schedule_date")),
            [
                start + timedelta(days=0),
                start + timedelta(days=90),
                start + timedelta(days=180),
                start + timedelta(days=270),
            ],
        )
        self.assertEqual(set(traces.mapped("state")), {"processed"})
        self.assertEqual(len(self._queued_mails(campaign)), 4)

    # ------------------------------------------------------------------ sender

    def _campaign_of(self, user):
        return (
            self.env["marketing.automation.campaign"]
            .with_user(user)
            .create({"name": "No sender", "model_id": self._pick_model("res.partner").id})
        )

    def test_email_activity_without_sender_takes_the_company_address(self):
        nameless = new_test_user(self.env, "uc_no_email", groups=MANAGER_GROUPS, email=False)
        self.assertFalse(nameless.email)
        self.env.company.email = "marketing@company.example.com"
        activity = (
            self.env["marketing.automation.activity"]
            .with_user(nameless)
            .create(
                {
                    "name": "Welcome",
                    "campaign_id": self._campaign_of(nameless).id,
                    "activity_type": "email",
                }
            )
        )
        self.assertIn("marketing@company.example.com", activity.mailing_id.email_from)

    def test_email_activity_without_any_sender_is_refused(self):
        nameless = new_test_user(self.env, "uc_no_email", groups=MANAGER_GROUPS, email=False)
        self.env.company.email = False
        campaign = self._campaign_of(nameless)
        with self.assertRaises(UserError) as caught:
            self.env["marketing.automation.activity"].with_user(nameless).create(
                {"name": "Welcome", "campaign_id": campaign.id, "activity_type": "email"}
            )
        message = str(caught.exception)
        self.assertIn("Send From", message)
        self.assertIn("email address", message)
