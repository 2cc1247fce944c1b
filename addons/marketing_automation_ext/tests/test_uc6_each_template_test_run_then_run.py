from ast import literal_eval
from datetime import timedelta

from odoo.osv import expression
from odoo.tests import new_test_user, tagged

from . import test_campaign_templates, test_campaign_triggers
from .common import NOW, MarketingAutomationCommon

# the reaction each template waits for, and the link its message offers
REACTIONS = {
    "tag_hot": ("mail_click", "example.com/offers"),
    "welcome": ("mail_bounce", None),
    "double_optin": ("mail_click", "example.com/confirm"),
    "prospection": ("mail_click", "example.com/catalogue"),
    "schedule_calls": (None, None),
    "hot_leads": ("mail_open", None),
}


@tagged("post_install", "-at_install")
class TestUseCase6(MarketingAutomationCommon):
    """Use case 6: a marketing user creates each template's campaign in one click,
    test-runs it on one record, then runs it for real on a small population through the
    scheduler, and reads the traces and metrics of the campaign."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.env["res.users"].create(
            {"name": "UC6 Seller", "login": "ma_uc6_seller", "email": "uc6.seller@test.example.com"}
        )
        customer = cls.env["res.partner"].create(
            {"name": "UC6 customer", "email": "uc6.customer@test.example.com"}
        )
        # a marketing user who also works the leads the campaigns target
        cls.uc6_user = new_test_user(
            cls.env,
            "ma_uc6_user",
            groups="marketing_automation_ext.marketing_automation_ext_group_user,"
            "base.group_partner_manager,sales_team.group_sale_salesman_all_leads",
            email="uc6.user@test.example.com",
        )
        contacts = cls.env["mailing.contact"]
        cls.populations = {
            "tag_hot": cls._create_partners(3, prefix="uc6_hot"),
            "welcome": contacts.create(
                [
                    {"name": f"uc6 subscriber {i}", "email": f"uc6.sub{i}@test.example.com"}
                    for i in range(3)
                ]
            ),
            "double_optin": contacts.create(
                [
                    {"name": f"uc6 careful {i}", "email": f"uc6.careful{i}@test.example.com"}
                    for i in range(3)
                ]
            ),
            "prospection": cls._create_partners(3, prefix="uc6_prospect", is_company=True),
            "schedule_calls": cls.env["crm.lead"].create(
                [
                    {"name": f"uc6 need {i}", "partner_id": customer.id, "user_id": cls.salesman.id}
                    for i in range(3)
                ]
            ),
            "hot_leads": cls.env["crm.lead"].create(
                [
                    {
                        "name": f"uc6 lead {i}",
                        "email_from": f"uc6.lead{i}@test.example.com",
                        "type": "lead",
                    }
                    for i in range(3)
                ]
            ),
        }

    def _run_crons(self, at):
        """The enrolment and execution crons, as the scheduler calls them at ``at``."""
        Campaign = self.env["marketing.automation.campaign"]
        Trace = self.env["marketing.automation.trace"]
        with self.mock_datetime_and_now(at), self.mock_mail_gateway():
            Campaign._cron_enrol()
            for _call in range(10):
                next_date = Trace._get_next_schedule_date()
                if not next_date or next_date > at:
                    break
                Trace._cron_execute()
            outgoing = self.env["mail.mail"].search([("state", "=", "outgoing")])
            outgoing.send()
        # the user reloads the campaign to read its figures
        self.env.invalidate_all()

    def _real(self, traces):
        return traces.filtered(lambda t: not t.participant_id.is_test)

    def _react(self, reaction, url, root, record):
        mailing_trace = self._real(self._trace_of(root, record)).mailing_trace_ids
        self.assertEqual(len(mailing_trace), 1)
        if reaction == "mail_click":
            test_campaign_triggers.TestCampaignTriggers._click(self, mailing_trace, url)
        elif reaction == "mail_open":
            mailing_trace.set_opened()
        elif reaction == "mail_bounce":
            self.gateway_mail_trace_bounce(root.mailing_id, record)

    def test_use_case_6_each_template_test_run_then_run_for_real(self):
        templates = self.env["marketing.automation.template"].search([])
        self.assertEqual(set(templates.mapped("key")), set(self.populations))
        for template in templates:
            with self.subTest(template=template.key):
                self._use_case(template)

    def _use_case(self, template):
        key = template.key
        population = self.populations[key]
        reaction, url = REACTIONS[key]
        action = template.with_user(self.uc6_user).action_create_campaign()
        campaign = (
            self.env["marketing.automation.campaign"]
            .with_user(self.uc6_user)
            .browse(action["res_id"])
        )
        # the user narrows the template's filter to the population of the test
        campaign.domain = repr(
            expression.AND([literal_eval(campaign.domain), [("id", "in", population.ids)]])
        )
        self.assertEqual(campaign.record_count, 3)
        root = campaign.activity_ids.filtered(lambda a: not a.parent_id)
        children = campaign.activity_ids - root

        # test run on the first record
        with self.mock_mail_gateway():
            participant = test_campaign_templates.TestCampaignTemplates._test_run(
                self, campaign, population[0], reaction or "mail_open"
            )
        self.assertTrue(participant.is_test)
        test_traces = participant.trace_ids
        # the tested record went through the first step, which the figures must not show
        self.assertEqual((test_traces & root.trace_ids).state, "processed")

        # the real run, through the scheduler
        campaign.action_start()
        self.assertEqual(campaign.state, "running")
        self._run_crons(NOW)
        self.assertEqual(campaign.participant_count, 3)
        self.assertEqual(campaign.test_participant_count, 1)
        # the roots wait for their delay (one hour for "Tag hot contacts")
        self._run_crons(NOW + timedelta(hours=2))
        real_root = self._real(root.trace_ids)
        self.assertEqual(len(real_root), 3)
        sent = population
        if key == "welcome":
            # the bounce simulated in the test run blacklisted the tested address for real
            sent = population[1:]
            rejected = self._real(self._trace_of(root, population[0]))
            self.assertEqual(rejected.state, "rejected")
            self.assertEqual(rejected.state_msg, "The email address is blacklisted.")
            self.assertEqual(root.rejected_count, 1)
        processed = real_root.filtered(lambda t: t.state == "processed")
        self.assertEqual(sorted(processed.participant_id.mapped("res_id")), sorted(sent.ids))
        self.assertEqual(root.processed_count, len(sent), "the test run is not counted")
        self.assertEqual(campaign.processed_count, len(sent))
        if root.activity_type == "email":
            self.assertEqual(root.sent_count, len(sent))
            self.assertEqual(campaign.sent_count, len(sent))
            self.assertEqual(len(processed.mailing_trace_ids), len(sent))

        # the first record went through the test run: its effects are the test run's
        reacting, others = population[1], population[2]
        if reaction:
            with self.mock_datetime_and_now(NOW + timedelta(hours=3)):
                self._react(reaction, url, root, reacting)
        self._run_crons(NOW + timedelta(days=4))

        for child in children.filtered(lambda a: a.trigger_type == reaction):
            traces = self._real(child.trace_ids)
            self.assertEqual(traces.participant_id.mapped("res_id"), reacting.ids, child.name)
            self.assertEqual(traces.state, "processed", traces.state_msg)
            self.assertEqual(child.processed_count, 1)
        self.env.invalidate_all()
        self._check_effect(key, campaign, root, reacting, others)

    def _check_effect(self, key, campaign, root, reacting, others):
        if key == "tag_hot":
            self.assertIn("Hot", reacting.category_id.mapped("name"))
            self.assertNotIn("Hot", others.category_id.mapped("name"))
            self.assertEqual(root.clicked_count, 1)
            self.assertEqual(campaign.link_click_count, 1)
        elif key == "welcome":
            blacklisted = self.env["mail.blacklist"].search(
                [("email", "in", population_emails(reacting | others))]
            )
            self.assertEqual(blacklisted.mapped("email"), [reacting.email_normalized])
            self.assertEqual(root.bounced_count, 1)
        elif key == "double_optin":
            self.assertIn("Confirmed", reacting.tag_ids.mapped("name"))
            self.assertNotIn("Confirmed", others.tag_ids.mapped("name"))
            self.assertEqual(root.clicked_count, 1)
        elif key == "prospection":
            self.assertEqual(len(reacting.activity_ids), 1)
            self.assertFalse(others.activity_ids)
            reminder = campaign.activity_ids.filtered(lambda a: a.trigger_type == "mail_not_open")
            traces = self._real(reminder.trace_ids)
            self.assertEqual(self._real(self._trace_of(reminder, reacting)).state, "canceled")
            self.assertEqual(
                set(
                    traces.filtered(lambda t: t.state == "processed").participant_id.mapped(
                        "res_id"
                    )
                ),
                set((self.populations[key] - reacting).ids),
            )
            self.assertEqual(reminder.processed_count, 2)
            self.assertEqual(reminder.sent_count, 2)
            self.assertEqual(campaign.sent_count, 5)
        elif key == "schedule_calls":
            leads = reacting | others
            self.assertEqual(leads.activity_ids.user_id, self.salesman)
            self.assertEqual(len(leads.activity_ids), 2)
            self.assertEqual(campaign.activity_ids.processed_count, 3)
        elif key == "hot_leads":
            self.assertEqual(reacting.priority, "3")
            self.assertNotIn("3", others.mapped("priority"))
            self.assertEqual(root.opened_count, 1)


def population_emails(records):
    return [record.email_normalized for record in records]
