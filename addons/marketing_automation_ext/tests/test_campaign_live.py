from datetime import timedelta

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install", "is_query_count")
class TestCampaignLiveEdits(MarketingAutomationCommon):
    def test_new_activity_reaches_participants_past_its_parent(self):
        campaign = self._create_campaign()
        first = self._create_activity(
            campaign,
            "First",
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
        )
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self._run_due()
        self.assertEqual(len(self._traces(first, "processed")), 5)
        later = NOW + timedelta(hours=5)
        with self.mock_datetime_and_now(later), self.mock_mail_gateway():
            follow_up = self._create_activity(
                campaign, "Follow-up", parent=first, interval_number=1, interval_type="hours"
            )
            start_bis = self._create_activity(
                campaign,
                "Another start",
                activity_type="tags_remove",
                partner_category_ids=[(6, 0, self.tag_vip.ids)],
            )
            self.assertEqual(len(follow_up.trace_ids), 5)
            self.assertEqual(
                set(follow_up.trace_ids.mapped("schedule_date")), {later + timedelta(hours=1)}
            )
            self.assertEqual(follow_up.trace_ids.parent_id, first.trace_ids)
            self.assertEqual(len(start_bis.trace_ids), 5)
            # an event child of an email already sent waits for the event
            on_open = self._create_activity(
                campaign,
                "On open",
                parent=follow_up,
                trigger_type="mail_open",
                activity_type="tags_add",
                partner_category_ids=[(6, 0, self.tag_vip.ids)],
            )
            self.assertFalse(on_open.trace_ids)
        with self.mock_datetime_and_now(later + timedelta(hours=2)), self.mock_mail_gateway():
            self._run_due()
        self.assertEqual(len(self._traces(follow_up, "processed")), 5)
        self.assertEqual(len(self._queued_mails(campaign)), 5)

    def _run_first_of_two_steps(self, days):
        """A started campaign whose first email ran; the second waits ``days`` days."""
        campaign = self._create_campaign()
        first = self._create_activity(campaign, "First")
        second = self._create_activity(
            campaign, "Second", parent=first, interval_number=days, interval_type="days"
        )
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
        return first, second

    def test_delay_change_moves_scheduled_traces(self):
        _first, second = self._run_first_of_two_steps(days=2)
        self.assertEqual(set(second.trace_ids.mapped("schedule_date")), {NOW + timedelta(days=2)})
        processed_trace = second.trace_ids[0]
        with self.mock_datetime_and_now(NOW + timedelta(days=3)), self.mock_mail_gateway():
            processed_trace._execute()  # already due: runs regardless of the next change
        second.write({"interval_number": 1, "interval_type": "weeks"})
        scheduled = second.trace_ids - processed_trace
        self.assertEqual(set(scheduled.mapped("schedule_date")), {NOW + timedelta(weeks=1)})
        self.assertEqual(processed_trace.state, "processed")
        second.write({"interval_number": 1, "interval_type": "months"})
        self.assertEqual(set(scheduled.mapped("schedule_date")), {NOW.replace(month=NOW.month + 1)})

    def test_stop_cancels_scheduled_traces(self):
        campaign = self._create_campaign()
        first = self._create_activity(campaign, "First", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        self.assertEqual(set(first.trace_ids.mapped("state")), {"scheduled"})
        campaign.action_stop()
        self.assertEqual(campaign.state, "stopped")
        self.assertEqual(set(first.trace_ids.mapped("state")), {"canceled"})
        with self.mock_datetime_and_now(NOW + timedelta(days=2)), self.mock_mail_gateway():
            self._run_due()
            self.assertFalse(self._queued_mails(campaign))
        self.assertEqual(first.scheduled_count, 0)

    def test_removed_participant_is_skipped(self):
        campaign = self._create_campaign()
        first = self._create_activity(campaign, "First", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        participant = campaign.participant_ids.filtered(lambda p: p.res_id == self.partners[0].id)
        participant.action_remove()
        self.assertEqual(self._trace_of(first, self.partners[0]).state, "canceled")
        with self.mock_datetime_and_now(NOW + timedelta(days=2)), self.mock_mail_gateway():
            self._run_due()
            self.assertEqual(len(self._queued_mails(campaign)), 4)

    def test_cron_reports_progress_and_wakes_up(self):
        campaign = self._create_campaign()
        self._create_activity(campaign, "First")
        second = self._create_activity(
            campaign,
            "Second",
            parent=campaign.activity_ids,
            interval_number=3,
            interval_type="days",
        )
        cron = self.env.ref("marketing_automation_ext.ir_cron_marketing_automation_trace_execute")
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self.env["ir.config_parameter"].set_param("marketing_automation_ext.batch_size", "2")
            cron_with_progress, progress = cron._add_progress()
            cron_with_progress.with_context(ir_cron_progress_id=progress.id).env[
                "marketing.automation.trace"
            ]._cron_execute()
            self.assertEqual((progress.done, progress.remaining), (2, 3))
            self.env["ir.config_parameter"].set_param("marketing_automation_ext.batch_size", "100")
            self.env["marketing.automation.trace"].with_context(
                ir_cron_progress_id=progress.id
            )._cron_execute()
            self.assertEqual((progress.done, progress.remaining), (3, 0))
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
        self.assertIn(NOW + timedelta(days=3), triggers.mapped("call_at"))
        self.assertEqual(len(second.trace_ids), 5)

    def test_stopped_campaign_no_longer_reacts(self):
        campaign = self._create_campaign()
        parent = self._create_activity(campaign, "Offer")
        on_open = self._create_activity(
            campaign,
            "On open",
            parent=parent,
            trigger_type="mail_open",
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
        )
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
        campaign.action_stop()
        self._trace_of(parent, self.partners[0]).mailing_trace_ids.set_opened()
        self.assertFalse(on_open.trace_ids)
        self.assertTrue(self._trace_of(parent, self.partners[0]).open_datetime)
        self.assertEqual(parent.opened_count, 1)
        follow_up = parent.action_add_child()
        self.assertEqual(follow_up["context"]["default_parent_id"], parent.id)

    def test_idle_tick_reads_once_and_keeps_one_wake_up(self):
        campaign = self._create_campaign()
        later = self._create_activity(campaign, "Later", interval_number=2, interval_type="days")
        cron = self.env.ref("marketing_automation_ext.ir_cron_marketing_automation_trace_execute")
        Trigger = self.env["ir.cron.trigger"]
        Trace = self.env["marketing.automation.trace"]
        due_at = NOW + timedelta(days=2)
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            planned = Trigger.search([("cron_id", "=", cron.id), ("call_at", "=", due_at)])
            self.assertTrue(planned, "scheduling plans the cron at the due date")
            Trace._cron_execute()
            count = Trigger.search_count([("cron_id", "=", cron.id)])
            # nothing due: the next date from the index, a look at the planned wake-ups
            with self.assertQueryCount(2):
                Trace._cron_execute()
            self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), count)
            # a lost wake-up is planned again
            Trigger.search([("cron_id", "=", cron.id)]).unlink()
            Trace._cron_execute()
            self.assertEqual(
                Trigger.search([("cron_id", "=", cron.id)]).mapped("call_at"), [due_at]
            )
        self.assertEqual(set(later.trace_ids.mapped("state")), {"scheduled"})
        with self.mock_datetime_and_now(due_at), self.mock_mail_gateway():
            Trace._cron_execute()
        self.assertEqual(set(later.trace_ids.mapped("state")), {"processed"})

    def test_a_trace_that_ran_is_never_scheduled_again(self):
        campaign = self._create_campaign()
        first = self._create_activity(campaign, "First")
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
        trace = self._trace_of(first, self.partners[0])
        self.assertEqual(trace.state, "processed")
        with self.assertRaises(UserError):
            trace.with_user(self.ma_user).write({"state": "scheduled"})
        self.assertEqual(trace.state, "processed")

    def test_trigger_and_parent_are_fixed_once_scheduled(self):
        first, second = self._run_first_of_two_steps(days=1)
        self.assertTrue(second.trace_ids)
        for values in ({"trigger_type": "mail_open"}, {"parent_id": False}):
            with self.assertRaisesRegex(UserError, "Add a new activity instead"):
                second.write(values)
        self.assertEqual(second.trigger_type, "activity")
        # writing the same values, as the form does, and changing the delay stay allowed
        second.write({"trigger_type": "activity", "parent_id": first.id, "interval_number": 2})
        self.assertEqual(set(second.trace_ids.mapped("schedule_date")), {NOW + timedelta(days=2)})
