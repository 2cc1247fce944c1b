from datetime import date, datetime

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignScheduleModes(MarketingAutomationCommon):
    def setUp(self):
        super().setUp()
        self.env.company.partner_id.tz = "UTC"

    def _lead_campaign(self, leads):
        return self._create_campaign(leads)

    def test_delay_counts_from_a_date_of_the_record(self):
        with self.mock_datetime_and_now(NOW - relativedelta(days=10)):
            old = self.env["crm.lead"].create({"name": "Old", "email_from": "old@lead.example.com"})
        with self.mock_datetime_and_now(NOW):
            dated, undated = self.env["crm.lead"].create(
                [
                    {
                        "name": "Dated",
                        "email_from": "dated@lead.example.com",
                        "date_deadline": date(2026, 4, 1),
                    },
                    {"name": "Undated", "email_from": "undated@lead.example.com"},
                ]
            )
            leads = old | dated | undated
            campaign = self._lead_campaign(leads)
            created = self._create_activity(
                campaign,
                "Two months after creation",
                interval_number=2,
                interval_type="months",
                anchor_field_id=self.env["ir.model.fields"]._get("crm.lead", "create_date").id,
            )
            deadline = self._create_activity(
                campaign,
                "A week before the deadline",
                interval_number=0,
                interval_type="days",
                anchor_field_id=self.env["ir.model.fields"]._get("crm.lead", "date_deadline").id,
            )
            self._start(campaign)
        self.assertEqual(created.schedule_summary, "2 months after the record's Created on")
        self.assertEqual(
            self._trace_of(created, old).schedule_date,
            NOW - relativedelta(days=10) + relativedelta(months=2),
        )
        self.assertEqual(
            self._trace_of(created, dated).schedule_date, NOW + relativedelta(months=2)
        )
        # a date counts from midnight in the company's time zone (UTC here)
        self.assertEqual(self._trace_of(deadline, dated).schedule_date, datetime(2026, 4, 1))
        rejected = self._trace_of(deadline, undated)
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(
            rejected.state_msg,
            "The record's Expected Closing is empty: the delay cannot count from it.",
        )
        # the delay changes: the traces move from their anchor
        created.interval_number = 3
        self.assertEqual(
            self._trace_of(created, dated).schedule_date, NOW + relativedelta(months=3)
        )

    def test_a_date_once_and_a_date_that_has_passed(self):
        campaign = self._create_campaign()
        on_date = self._create_activity(
            campaign, "Launch", schedule_mode="date", schedule_date=NOW + relativedelta(days=5)
        )
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        self.assertEqual(
            set(on_date.trace_ids.mapped("schedule_date")), {NOW + relativedelta(days=5)}
        )
        self.assertEqual(on_date.schedule_summary, "On 7 March 2026 09:00")
        on_date.schedule_date = NOW + relativedelta(days=6)
        self.assertEqual(
            set(on_date.trace_ids.mapped("schedule_date")), {NOW + relativedelta(days=6)}
        )
        late = self._create_partners(1, prefix="late")
        campaign.domain = repr([("id", "in", (self.partners | late).ids)])
        with self.mock_datetime_and_now(NOW + relativedelta(days=7)):
            campaign._enrol_participants()
        trace = self._trace_of(on_date, late)
        self.assertEqual(trace.state, "rejected")
        self.assertEqual(
            trace.state_msg, "The date of the activity had passed when the participant reached it."
        )
        self.assertEqual(trace.participant_id.state, "completed")

    def test_a_series_of_dates_joined_late(self):
        """Every month from 1 April, 3 times in all: a contact arriving in May gets the runs
        of 1 May and 1 June only."""
        campaign = self._create_campaign()
        monthly = self._create_activity(
            campaign,
            "Monthly news",
            schedule_mode="date",
            schedule_date=datetime(2026, 4, 1, 8, 0),
            recurrence_interval=1,
            recurrence_unit="months",
            recurrence_count=3,
        )
        with self.mock_datetime_and_now(datetime(2026, 4, 20, 8, 0)):
            self._start(campaign)
        Trace = self.env["marketing.automation.trace"]
        for day in (datetime(2026, 5, 1, 8, 0), datetime(2026, 6, 1, 8, 0)):
            with self.mock_datetime_and_now(day), self.mock_mail_gateway():
                Trace._cron_execute()
        with self.mock_datetime_and_now(datetime(2026, 7, 1, 8, 0)), self.mock_mail_gateway():
            Trace._cron_execute()
        processed = monthly.trace_ids.filtered(lambda t: t.state == "processed")
        self.assertEqual(len(processed), 2 * len(self.partners))
        self.assertEqual(
            set(processed.mapped("schedule_date")),
            {datetime(2026, 5, 1, 8, 0), datetime(2026, 6, 1, 8, 0)},
        )
        self.assertFalse(monthly.trace_ids.filtered(lambda t: t.state == "scheduled"))

    def test_yearly_on_29_february(self):
        campaign = self._create_campaign()
        leap = self._create_activity(
            campaign, "Leap", schedule_mode="yearly", schedule_date=datetime(2028, 2, 29, 10, 0)
        )
        self.assertEqual(leap._next_yearly_date(datetime(2026, 3, 1)), datetime(2027, 2, 28, 10, 0))
        self.assertEqual(leap._next_yearly_date(datetime(2027, 3, 1)), datetime(2028, 2, 29, 10, 0))

    def test_schedule_is_validated(self):
        campaign = self._create_campaign()
        with self.assertRaisesRegex(ValidationError, "choose the date"):
            self._create_activity(campaign, "No date", schedule_mode="yearly")
        repeating = self._create_activity(campaign, "Repeat", recurrence_interval=7)
        with self.assertRaisesRegex(ValidationError, "follows a repeating activity"):
            self._create_activity(campaign, "Child", parent=repeating, recurrence_interval=2)
        with (
            self.assertRaisesRegex(ValidationError, "stored date of the campaign's records"),
            mute_logger("odoo.models"),
        ):
            self._create_activity(
                campaign,
                "Anchor",
                anchor_field_id=self.env["ir.model.fields"]._get("crm.lead", "create_date").id,
            )

    def test_follow_ups_of_each_run(self):
        """A follow-up of a repeating email runs after each of its runs."""
        campaign = self._create_campaign(self.partners[:1])
        weekly = self._create_activity(
            campaign, "Weekly", recurrence_interval=1, recurrence_unit="weeks", recurrence_count=2
        )
        follow_up = self._create_activity(
            campaign,
            "Tag after each",
            parent=weekly,
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
        )
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        Trace = self.env["marketing.automation.trace"]
        for day in (NOW, NOW + relativedelta(weeks=1)):
            with self.mock_datetime_and_now(day), self.mock_mail_gateway():
                Trace._cron_execute()
                Trace._cron_execute()
        self.assertEqual(sorted(follow_up.trace_ids.mapped("occurrence")), [1, 2])
        self.assertEqual(set(follow_up.trace_ids.mapped("state")), {"processed"})

    def test_the_form_says_when(self):
        campaign = self._create_campaign()
        with Form(
            self.env["marketing.automation.activity"].with_context(default_campaign_id=campaign.id)
        ) as form:
            form.name = "Quarterly"
            form.schedule_mode = "yearly"
            form.schedule_date = datetime(2026, 10, 1)
            self.assertEqual(form.schedule_summary, "Every year on 1 October")
            form.recurrence_count = 3
            self.assertEqual(form.schedule_summary, "Every year on 1 October, 3 times")
            form.schedule_mode = "delay"
            form.recurrence_interval = 90
            form.recurrence_since = "last_delivery"
            form.recurrence_count = 4
            self.assertEqual(
                form.schedule_summary,
                "At enrolment, then every 90 days since the last delivered email, 4 times in all",
            )
