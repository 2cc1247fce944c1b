from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import MarketingAutomationCommon

START = datetime(2026, 3, 2, 8, 0)
FIFTEEN_MONTHS_LATER = datetime(2027, 6, 2, 8, 0)


@tagged("post_install", "-at_install")
class TestUseCaseEmailPlanToHotContacts(MarketingAutomationCommon):
    """Use case 3: contacts tagged "hot" follow a plan of 4 emails 90 days apart; a second
    campaign writes to them every 90 days since the last email they received, without end.
    Time is moved from one planned run to the next, the execute cron and the mail queue run as
    they do, and the count of emails per contact is checked after 15 months."""

    def setUp(self):
        super().setUp()
        self.hot = self.env["res.partner.category"].create({"name": "hot"})
        self.reached, self.bouncing = self.env["res.partner"].create(
            [
                {
                    "name": "Reached",
                    "email": "reached@hot.example.com",
                    "category_id": [(6, 0, self.hot.ids)],
                },
                {
                    "name": "Bouncing",
                    "email": "bouncing@hot.example.com",
                    "category_id": [(6, 0, self.hot.ids)],
                },
            ]
        )

    def _create_hot_campaign(self, name):
        return self.env["marketing.automation.campaign"].create(
            {
                "name": name,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": repr([("category_id", "in", self.hot.ids)]),
            }
        )

    def _replay(self, until, on_sent=None):
        """Move time to each planned run until ``until``: run the execute cron, then the mail
        queue (a mail server delivers what it is given), then ``on_sent`` with the mails."""
        Trace = self.env["marketing.automation.trace"].sudo()
        while True:
            due = Trace._get_next_schedule_date()
            if not due or due > until:
                return
            with self.mock_datetime_and_now(due), self.mock_mail_gateway():
                Trace._cron_execute()
                outgoing = self.env["mail.mail"].sudo().search([("state", "=", "outgoing")])
                outgoing.send()
                if on_sent:
                    on_sent(outgoing)

    def _sent_per_contact(self, activity):
        traces = self.env["mailing.trace"].search(
            [("marketing_trace_id.activity_id", "=", activity.id)]
        )
        return {
            partner: len(traces.filtered(lambda t, p=partner: t.res_id == p.id))
            for partner in (self.reached, self.bouncing)
        }

    def test_plan_of_four_emails_ninety_days_apart(self):
        campaign = self._create_hot_campaign("Plan for hot contacts")
        plan = self._create_activity(
            campaign,
            "Hot plan",
            recurrence_interval=90,
            recurrence_unit="days",
            recurrence_count=4,
        )
        self.assertEqual(plan.schedule_summary, "At enrolment, then every 90 days, 4 times in all")
        with self.mock_datetime_and_now(START):
            self._start(campaign)
        self._replay(FIFTEEN_MONTHS_LATER)
        self.assertEqual(self._sent_per_contact(plan), {self.reached: 4, self.bouncing: 4})
        for partner in (self.reached, self.bouncing):
            traces = plan.trace_ids.filtered(lambda t, p=partner: t.participant_id.res_id == p.id)
            self.assertEqual(
                sorted(traces.mapped("schedule_date")),
                [START + timedelta(days=90 * run) for run in range(4)],
                "the dates as planned",
            )
            self.assertEqual(sorted(traces.mapped("occurrence")), [1, 2, 3, 4])
        self.assertEqual(set(campaign.participant_ids.mapped("state")), {"completed"})

    def test_every_ninety_days_since_the_last_delivered_email(self):
        campaign = self._create_hot_campaign("Keep in touch with hot contacts")
        keep_in_touch = self._create_activity(
            campaign,
            "Keep in touch",
            recurrence_interval=90,
            recurrence_unit="days",
            recurrence_since="last_delivery",
        )
        self.assertEqual(
            keep_in_touch.schedule_summary,
            "At enrolment, then every 90 days since the last delivered email, without end",
        )
        news = self._create_activity(campaign, "News", interval_number=30, interval_type="days")
        with self.mock_datetime_and_now(START):
            self._start(campaign)

        def bounce_the_news(mails):
            news_mails = mails.filtered(lambda m: m.mailing_id == news.mailing_id)
            bounced = news_mails.mailing_trace_ids.filtered(lambda t: t.res_id == self.bouncing.id)
            bounced.set_bounced()

        self._replay(FIFTEEN_MONTHS_LATER, on_sent=bounce_the_news)
        # the news delivered on day 30 pushes the next email to day 120, then every 90 days:
        # days 0, 120, 210, 300, 390; the bounced news pushes nothing: 0, 90, 180, 270, 360, 450
        self.assertEqual(self._sent_per_contact(keep_in_touch), {self.reached: 5, self.bouncing: 6})
        reached_dates = keep_in_touch.trace_ids.filtered(
            lambda t: t.participant_id.res_id == self.reached.id and t.state == "processed"
        ).mapped("execution_date")
        self.assertEqual(
            sorted(reached_dates),
            [START + timedelta(days=day) for day in (0, 120, 210, 300, 390)],
        )
        bounced_dates = keep_in_touch.trace_ids.filtered(
            lambda t: t.participant_id.res_id == self.bouncing.id and t.state == "processed"
        ).mapped("execution_date")
        self.assertEqual(
            sorted(bounced_dates), [START + timedelta(days=90 * run) for run in range(6)]
        )
        # without end: both wait for their next email
        self.assertEqual(len(keep_in_touch.trace_ids.filtered(lambda t: t.state == "scheduled")), 2)
