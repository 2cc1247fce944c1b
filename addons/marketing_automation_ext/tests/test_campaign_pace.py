from collections import Counter
from datetime import date, datetime, timedelta

import pytz

from odoo.tests import tagged

from ..tools.send_pace import SendPace
from .common import MarketingAutomationCommon

PARIS = pytz.timezone("Europe/Paris")


def paris(*args):
    """The naive UTC moment of a wall-clock time in Paris."""
    return PARIS.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


class PaceReplayMixin:
    """Run the execute cron as the host's cron runner does, at the moments it plans itself."""

    def _planned(self, after):
        """Moments the execute cron is planned to run at after ``after``."""
        cron = self.env.ref("marketing_automation_ext.ir_cron_marketing_automation_trace_execute")
        triggers = self.env["ir.cron.trigger"].search(
            [("cron_id", "=", cron.id), ("call_at", ">", after)]
        )
        return sorted(set(triggers.mapped("call_at")))

    def _run_cron(self, moment):
        """The cron runner at ``moment``: the execute cron, called again while it reports
        remaining work (at most ten times per run, as the host's runner)."""
        Trace = self.env["marketing.automation.trace"]
        with self.mock_datetime_and_now(moment), self._mail_gateway():
            for _call in range(10):
                Trace._cron_execute()
                if not Trace._get_due_stats()[0]:
                    break

    def _mail_gateway(self):
        return self.mock_mail_gateway()

    def _replay(self, start, until, campaigns, after_run=None):
        """Run the cron at ``start``, then at each moment it planned, until ``until``; return
        {moment: number of mails the campaigns queued then}. ``after_run`` is called after each
        run with its moment and the new mails (e.g. the mail queue delivering them)."""
        mailings = self.env["mailing.mailing"].browse()
        for campaign in campaigns:
            mailings |= campaign.activity_ids.mailing_id
        Mail = self.env["mail.mail"].sudo()
        seen = set(Mail.search([("mailing_id", "in", mailings.ids)]).ids)
        batches = {}
        moment = start
        while moment and moment <= until:
            self._run_cron(moment)
            new = set(Mail.search([("mailing_id", "in", mailings.ids)]).ids) - seen
            if new:
                batches[moment] = len(new)
                seen |= new
                if after_run:
                    after_run(moment, Mail.browse(sorted(new)))
            planned = self._planned(moment)
            moment = planned[0] if planned else None
        return batches


@tagged("post_install", "-at_install")
class TestCampaignPace(PaceReplayMixin, MarketingAutomationCommon):
    """Sending pace and windows: traces due outside the window or beyond the pace wait and go
    out later in their due order, none dropped, none twice; the execute cron sleeps until the
    next allowed moment. Time is frozen and moved to each moment the cron planned, and the cron
    runs as the cron runner runs it (called again while it reports remaining work)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Europe/Paris"
        cls.cron = cls.env.ref(
            "marketing_automation_ext.ir_cron_marketing_automation_trace_execute"
        )
        cls.Trace = cls.env["marketing.automation.trace"]

    # ------------------------------------------------------------------ HELPERS

    def _paced_campaign(self, count, prefix="ma_paced", **pace):
        records = self._create_partners(count, prefix=prefix)
        campaign = self._create_campaign(records, name=f"Paced {prefix}", **pace)
        activity = self._create_activity(campaign, "Newsletter")
        return campaign, activity, records

    def _assert_each_once(self, campaign, records):
        mails = self._queued_mails(campaign)
        self.assertEqual(Counter(mails.mapped("res_id")), Counter(records.ids), "each once")
        self.assertEqual(set(campaign.activity_ids.trace_ids.mapped("state")), {"processed"})

    # ------------------------------------------------------------------ TESTS

    def test_batches_inside_office_hours(self):
        """50 emails every 10 minutes inside 9:00-17:00 Monday to Friday: the first batch at the
        window's opening, the next ones 10 minutes apart, none lost, none twice."""
        campaign, _activity, records = self._paced_campaign(
            120,
            send_batch_size=50,
            send_batch_interval=10,
            send_window_enabled=True,
            send_window_start=9.0,
            send_window_end=17.0,
        )
        enrol_at = paris(2026, 3, 2, 7, 30)  # a Monday, before the window opens
        with self.mock_datetime_and_now(enrol_at):
            self._start(campaign)
        batches = self._replay(enrol_at, paris(2026, 3, 2, 18, 0), campaign)
        opening = paris(2026, 3, 2, 9, 0)
        self.assertEqual(
            batches,
            {
                opening: 50,
                opening + timedelta(minutes=10): 50,
                opening + timedelta(minutes=20): 20,
            },
        )
        self._assert_each_once(campaign, records)
        self.assertEqual(campaign.send_last_batch_date, opening + timedelta(minutes=20))

    def test_window_closes_and_reopens_next_day(self):
        """What the window cannot take today waits for tomorrow's opening, in its due order."""
        campaign, activity, records = self._paced_campaign(
            100,
            send_batch_size=10,
            send_batch_interval=60,
            send_window_enabled=True,
            send_window_start=9.0,
            send_window_end=17.0,
        )
        enrol_at = paris(2026, 3, 2, 8, 0)
        with self.mock_datetime_and_now(enrol_at):
            self._start(campaign)
        batches = self._replay(enrol_at, paris(2026, 3, 4, 0, 0), campaign)
        expected = {paris(2026, 3, 2, hour, 0): 10 for hour in range(9, 17)}
        expected.update({paris(2026, 3, 3, 9, 0): 10, paris(2026, 3, 3, 10, 0): 10})
        self.assertEqual(batches, expected)
        self._assert_each_once(campaign, records)
        # in their due order: the participants that entered first went out first
        traces = activity.trace_ids.sorted("id")
        self.assertEqual(traces.mapped("execution_date"), sorted(traces.mapped("execution_date")))

    def test_window_across_midnight(self):
        """A window from 22:00 to 02:00 sends in the evening and after midnight, nothing in the
        day."""
        campaign, _activity, records = self._paced_campaign(
            60,
            send_batch_size=10,
            send_batch_interval=60,
            send_window_enabled=True,
            send_window_start=22.0,
            send_window_end=2.0,
            send_saturday=True,
            send_sunday=True,
        )
        enrol_at = paris(2026, 3, 2, 12, 0)
        with self.mock_datetime_and_now(enrol_at):
            self._start(campaign)
        batches = self._replay(enrol_at, paris(2026, 3, 4, 12, 0), campaign)
        self.assertEqual(
            batches,
            {
                paris(2026, 3, 2, 22, 0): 10,
                paris(2026, 3, 2, 23, 0): 10,
                paris(2026, 3, 3, 0, 0): 10,
                paris(2026, 3, 3, 1, 0): 10,
                paris(2026, 3, 3, 22, 0): 10,
                paris(2026, 3, 3, 23, 0): 10,
            },
        )
        self._assert_each_once(campaign, records)

    def test_weekend_skipped(self):
        """Due on Friday afternoon: what Friday's window cannot take goes out on Monday."""
        campaign, _activity, records = self._paced_campaign(
            30,
            send_batch_size=10,
            send_batch_interval=60,
            send_window_enabled=True,
            send_window_start=9.0,
            send_window_end=17.0,
        )
        enrol_at = paris(2026, 3, 6, 16, 30)  # a Friday
        with self.mock_datetime_and_now(enrol_at):
            self._start(campaign)
        batches = self._replay(enrol_at, paris(2026, 3, 10, 0, 0), campaign)
        self.assertEqual(
            batches,
            {
                enrol_at: 10,
                paris(2026, 3, 9, 9, 0): 10,
                paris(2026, 3, 9, 10, 0): 10,
            },
        )
        self._assert_each_once(campaign, records)

    def test_daylight_saving_changes(self):
        """The window follows the wall clock of the company's time zone across the changes of
        the last Sunday of March and of October (Europe/Paris)."""
        for friday, monday, utc_hour in (
            (date(2026, 3, 27), date(2026, 3, 30), 7),  # summer time: 09:00 is 07:00 UTC
            (date(2026, 10, 23), date(2026, 10, 26), 8),  # winter time: 09:00 is 08:00 UTC
        ):
            with self.subTest(monday=monday):
                campaign, _activity, records = self._paced_campaign(
                    20,
                    prefix=f"ma_dst_{monday.month}",
                    send_batch_size=10,
                    send_batch_interval=60,
                    send_window_enabled=True,
                    send_window_start=9.0,
                    send_window_end=17.0,
                )
                enrol_at = paris(friday.year, friday.month, friday.day, 16, 30)
                with self.mock_datetime_and_now(enrol_at):
                    self._start(campaign)
                batches = self._replay(enrol_at, enrol_at + timedelta(days=4), campaign)
                self.assertEqual(
                    batches,
                    {enrol_at: 10, datetime(monday.year, monday.month, monday.day, utc_hour): 10},
                )
                self._assert_each_once(campaign, records)
        # a window holding the skipped hour: from 01:00 winter time to 04:00 summer time
        pace = SendPace(0, 0, None, window=(1.0, 4.0), weekdays=range(7), tz=PARIS)
        self.assertEqual(
            pace.window_next(datetime(2026, 3, 28, 12, 0)), datetime(2026, 3, 29, 0, 0)
        )
        self.assertEqual(
            pace.window_next(datetime(2026, 3, 29, 1, 59)), datetime(2026, 3, 29, 1, 59)
        )
        self.assertEqual(
            pace.window_next(datetime(2026, 3, 29, 2, 0)), datetime(2026, 3, 29, 23, 0)
        )

    def test_pace_change_while_traces_wait(self):
        """A shorter interval set while traces wait brings the next batch forward; the form
        shows the new time and the cron is planned at it."""
        campaign, _activity, records = self._paced_campaign(
            30, send_batch_size=10, send_batch_interval=60
        )
        start = datetime(2026, 3, 3, 10, 0)
        with self.mock_datetime_and_now(start):
            self._start(campaign)
        self._run_cron(start)
        self.assertEqual(len(self._queued_mails(campaign)), 10)
        with self.mock_datetime_and_now(start + timedelta(minutes=5)):
            campaign.invalidate_recordset(["send_next_batch_date"])
            self.assertEqual(campaign.send_next_batch_date, start + timedelta(minutes=60))
            campaign.with_user(self.ma_user).send_batch_interval = 10
            campaign.invalidate_recordset(["send_next_batch_date"])
            self.assertEqual(campaign.send_next_batch_date, start + timedelta(minutes=10))
        batches = self._replay(start + timedelta(minutes=5), start + timedelta(hours=2), campaign)
        self.assertEqual(
            batches, {start + timedelta(minutes=10): 10, start + timedelta(minutes=20): 10}
        )
        self._assert_each_once(campaign, records)
        campaign.invalidate_recordset(["send_next_batch_date"])
        self.assertFalse(campaign.send_next_batch_date, "nothing waits any more")

    def test_global_pace_and_other_activities(self):
        """A campaign without its own pace takes the global settings; activities that send
        nothing are not held."""
        self.env["ir.config_parameter"].sudo().set_param(
            "marketing_automation_ext.send_batch_size", "2"
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "marketing_automation_ext.send_batch_interval", "30"
        )
        campaign = self._create_campaign(self.partners)
        self._create_activity(campaign, "Mail")
        tag = self.env["marketing.automation.activity"].create(
            {
                "name": "Tag",
                "campaign_id": campaign.id,
                "trigger_type": "begin",
                "interval_number": 0,
                "activity_type": "tags_add",
                "partner_category_ids": [(6, 0, self.tag_vip.ids)],
            }
        )
        start = datetime(2026, 3, 3, 10, 0)
        with self.mock_datetime_and_now(start):
            self._start(campaign)
        batches = self._replay(start, start + timedelta(hours=3), campaign)
        self.assertEqual(
            batches,
            {
                start: 2,
                start + timedelta(minutes=30): 2,
                start + timedelta(minutes=60): 1,
            },
        )
        self.assertEqual(set(tag.trace_ids.mapped("execution_date")), {start})
        self._assert_each_once(campaign, self.partners)

    def test_contact_pressure_cap(self):
        """At most one campaign email per contact per 7 days, campaigns together: the second
        campaign's emails wait a week, then go out; none is dropped."""
        self.env["ir.config_parameter"].sudo().set_param(
            "marketing_automation_ext.pressure_cap", "1"
        )
        first, second = (
            self._create_campaign(self.partners, name=name) for name in ("First", "Second")
        )
        for campaign in (first, second):
            self._create_activity(campaign, f"Mail {campaign.name}")
        start = datetime(2026, 3, 3, 10, 0)
        with self.mock_datetime_and_now(start):
            self._start(first)
            self._start(second)
        self._run_cron(start)
        self.assertEqual(len(self._queued_mails(first)), 5)
        self.assertFalse(self._queued_mails(second))
        waiting = second.activity_ids.trace_ids
        self.assertEqual(set(waiting.mapped("state")), {"scheduled"})
        self.assertEqual(set(waiting.mapped("schedule_date")), {start + timedelta(days=7)})
        self.assertIn(start + timedelta(days=7), self._planned(start))
        self._run_cron(start + timedelta(days=3))
        self.assertFalse(self._queued_mails(second), "still capped")
        self._run_cron(start + timedelta(days=7))
        self._assert_each_once(first, self.partners)
        self._assert_each_once(second, self.partners)

    def test_cron_planned_at_next_allowed_moment(self):
        """With the window closed the cron is planned once, at the opening: no polling."""
        campaign, _activity, _records = self._paced_campaign(
            20,
            send_batch_size=10,
            send_batch_interval=10,
            send_window_enabled=True,
            send_window_start=9.0,
            send_window_end=17.0,
        )
        enrol_at = paris(2026, 3, 2, 7, 0)
        with self.mock_datetime_and_now(enrol_at):
            self._start(campaign)
        self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]).unlink()
        for minutes in (0, 5, 30):
            self._run_cron(enrol_at + timedelta(minutes=minutes))
        opening = paris(2026, 3, 2, 9, 0)
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)])
        self.assertEqual(triggers.mapped("call_at"), [opening], "one wake-up, at the opening")
        self._run_cron(opening)
        self.assertEqual(len(self._queued_mails(campaign)), 10)
        self.assertIn(opening + timedelta(minutes=10), self._planned(opening))
        campaign.invalidate_recordset(["send_next_batch_date"])
        with self.mock_datetime_and_now(opening + timedelta(minutes=1)):
            self.assertEqual(campaign.send_next_batch_date, opening + timedelta(minutes=10))

    def test_closed_window_tick_queries_do_not_grow(self):
        """The tick with the window closed costs the same few queries for 10 and for 100
        waiting traces."""
        counts = []
        enrol_at = paris(2026, 3, 2, 7, 0)
        for size in (10, 100):
            campaign, _activity, _records = self._paced_campaign(
                size,
                prefix=f"ma_closed_{size}",
                send_batch_size=5,
                send_batch_interval=10,
                send_window_enabled=True,
                send_window_start=9.0,
                send_window_end=17.0,
            )
            with self.mock_datetime_and_now(enrol_at):
                self._start(campaign)
            with self.mock_datetime_and_now(enrol_at + timedelta(minutes=1)):
                self.Trace._cron_execute()  # plans the opening
                self.env.flush_all()
                before = self.env.cr.sql_log_count
                self.Trace._cron_execute()
                counts.append(self.env.cr.sql_log_count - before)
            self.assertFalse(self._queued_mails(campaign))
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 5)
