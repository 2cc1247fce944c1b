from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.campaign.demo import DEMO_CAMPAIGN_XMLID
from .common import MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestDemoCampaign(MarketingAutomationCommon):
    """The demo's automated campaign, loaded on a database without demo data: a campaign of a
    template, running, whose figures show what the scheduler and the tracking did, and from
    which no email leaves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesperson = new_test_user(
            cls.env,
            "ma_demo_salesperson",
            name="Demo Salesperson",
            email="demo.salesperson@example.com",
            groups="sales_team.group_sale_salesman,"
            "marketing_automation_ext.marketing_automation_ext_group_user",
        )
        Partner = cls.env["res.partner"]
        cls.prospects = cls.env["res.partner.category"].create({"name": "Demo prospects"})
        cls.companies = Partner.create(
            [
                {
                    "name": f"Demo furniture {index}",
                    "is_company": True,
                    "email": f"contact@furniture{index}.example.com"
                    if index % 2
                    else f"furniture{index}@example.com",
                    "category_id": [Command.link(cls.prospects.id)],
                }
                for index in range(6)
            ]
        )
        # the demo writes neither to a real address nor to the prospects' employees, nor to
        # companies that are not its prospects
        cls.others = Partner.create(
            [
                {
                    "name": "Real furniture",
                    "is_company": True,
                    "email": "sales@real-furniture.com",
                    "category_id": [Command.link(cls.prospects.id)],
                },
                {
                    "name": "Demo person",
                    "email": "person@example.com",
                    "category_id": [Command.link(cls.prospects.id)],
                },
                {"name": "Other furniture", "is_company": True, "email": "other@example.com"},
            ]
        )
        # with demo data, the demo's own campaign exists already: the test loads another one
        demo = cls.env.ref(DEMO_CAMPAIGN_XMLID, raise_if_not_found=False)
        if demo:
            demo.action_stop()
            module, name = DEMO_CAMPAIGN_XMLID.split(".")
            cls.env["ir.model.data"].search([("module", "=", module), ("name", "=", name)]).unlink()

    def _load(self):
        self.last_mail = self.env["mail.mail"].search([], order="id desc", limit=1)
        with self.mock_mail_gateway():
            campaign = self.env["marketing.automation.campaign"]._load_demo_campaign(
                self.salesperson.id, self.prospects.id
            )
        self.assertFalse(self._mails, "the demo sends no email")
        self.env.invalidate_all()
        return campaign

    def _activity(self, campaign, trigger):
        activity = campaign.activity_ids.filtered(lambda a: a.trigger_type == trigger)
        self.assertEqual(len(activity), 1)
        return activity

    def test_demo_campaign_runs_with_its_history(self):
        campaign = self._load()
        template = self.env.ref(
            "marketing_automation_ext.marketing_automation_template_prospection"
        )
        self.assertEqual(campaign.name, template.name)
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.user_id, self.salesperson, "owned by the salesperson")
        self.assertEqual(campaign.create_uid, self.salesperson)

        participants = campaign.participant_ids
        count = len(self.companies)
        self.assertEqual(sorted(participants.mapped("res_id")), sorted(self.companies.ids))
        self.assertEqual(campaign.participant_count, count)
        self.assertFalse(participants.filtered("is_test"))

        catalogue = self._activity(campaign, "begin")
        calls = self._activity(campaign, "mail_click")
        reminder = self._activity(campaign, "mail_not_open")
        self.assertEqual(catalogue.processed_count, count)
        self.assertEqual(catalogue.sent_count, count)
        # two clicks, one reply, one open only; a click and a reply imply an open
        self.assertEqual(catalogue.opened_count, 4)
        self.assertEqual(catalogue.clicked_count, 2)
        self.assertEqual(catalogue.replied_count, 1)
        self.assertEqual(catalogue.bounced_count, 0)
        self.assertEqual(campaign.link_click_count, 2)
        self.assertEqual(campaign.opened_count, 4)
        self.assertEqual(campaign.clicked_count, 2)
        self.assertEqual(campaign.replied_count, 1)

        # the clicks scheduled a call for the salesperson, executed by the scheduler
        self.assertEqual(calls.processed_count, 2)
        clicked = self.env["res.partner"].browse(calls.trace_ids.participant_id.mapped("res_id"))
        self.assertEqual(len(clicked), 2)
        calls_planned = clicked.activity_ids.filtered(lambda a: a.user_id == self.salesperson)
        self.assertEqual(len(calls_planned), 2)
        self.assertEqual(
            calls_planned.activity_type_id, self.env.ref("mail.mail_activity_data_call")
        )
        # those who opened no longer get the reminder; the others wait for its date
        self.assertEqual(reminder.scheduled_count, count - 4)
        self.assertEqual(reminder.processed_count, 0)
        self.assertEqual(len(reminder.trace_ids.filtered(lambda t: t.state == "canceled")), 4)

        # the reply came in through the mail gateway, onto the company's history
        replied = catalogue.trace_ids.filtered("reply_datetime")
        company = self.env["res.partner"].browse(replied.participant_id.res_id)
        reply = company.message_ids.filtered(lambda m: "printed version" in (m.body or ""))
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, company)
        self.assertEqual(reply.subject, f"Re: {catalogue.mailing_id.subject}")

        # a participant's traces: the catalogue processed, the next step planned or canceled
        participant = participants.filtered(lambda p: p.res_id == company.id)
        self.assertEqual(
            sorted(participant.trace_ids.mapped(lambda t: (t.activity_id.name, t.state))),
            sorted([(catalogue.name, "processed"), (reminder.name, "canceled")]),
        )

        # nothing waits in the mail queue: the mails are recorded as delivered
        self.assertFalse(
            self.env["mail.mail"].search(
                [("id", ">", self.last_mail.id), ("state", "=", "outgoing")]
            )
        )
        mailing_traces = catalogue.trace_ids.mailing_trace_ids
        self.assertEqual(len(mailing_traces), count)
        self.assertEqual(
            sorted(mailing_traces.mapped("trace_status")),
            ["open", "open", "open", "reply"] + ["sent"] * (count - 4),
        )
        self.assertTrue(all(t.email.endswith("example.com") for t in mailing_traces))

    def test_demo_campaign_loaded_once(self):
        campaign = self._load()
        Campaign = self.env["marketing.automation.campaign"]
        campaigns, traces = Campaign.search([]), campaign.participant_ids.trace_ids
        self.assertEqual(self._load(), campaign)
        self.assertEqual(Campaign.search([]), campaigns)
        self.assertEqual(campaign.participant_ids.trace_ids, traces)
