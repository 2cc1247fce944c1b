from datetime import timedelta

from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignEnrolmentModes(MarketingAutomationCommon):
    def test_filter_mode_off_enrols_nobody(self):
        campaign = self._create_campaign(enrol_by_filter=False)
        self._create_activity(campaign, "Hello")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self.env["marketing.automation.campaign"]._cron_enrol()
        self.assertFalse(campaign.participant_ids)
        campaign.enrol_by_filter = True
        with self.mock_datetime_and_now(NOW):
            self.env["marketing.automation.campaign"]._cron_enrol()
        self.assertEqual(len(campaign.participant_ids), 5)

    def test_removed_participant_keeps_its_reason(self):
        campaign = self._create_campaign()
        self._create_activity(campaign, "Hello", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        participant = campaign.participant_ids.filtered(lambda p: p.res_id == self.partners[0].id)
        participant.with_user(self.ma_user).action_remove()
        self.assertEqual(participant.state, "removed")
        self.assertIn(self.ma_user.name, participant.removal_reason)
        self.assertEqual(set(participant.trace_ids.mapped("state")), {"canceled"})

    def test_reentry_off_and_on(self):
        campaign = self._create_campaign()
        self._create_activity(campaign, "Hello", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        removed = campaign.participant_ids.filtered(lambda p: p.res_id == self.partners[0].id)
        removed.action_remove()
        later = NOW + timedelta(hours=1)
        with self.mock_datetime_and_now(later):
            self.assertEqual(campaign._enrol_participants(), 0, "a record that left stays out")
        campaign.allow_reentry = True
        with self.mock_datetime_and_now(later):
            self.assertEqual(
                campaign._enrol_participants(), 1, "it enters again; running ones do not"
            )
            self.assertEqual(campaign._enrol_participants(), 0)
        of_record = campaign.participant_ids.filtered(lambda p: p.res_id == self.partners[0].id)
        self.assertEqual(len(of_record), 2)
        again = of_record - removed
        self.assertEqual(again.state, "running")
        self.assertEqual(again.enrol_date, later)
        self.assertEqual(again.trace_ids.state, "scheduled")
        self.assertEqual(removed.state, "removed", "the first participation is kept as it was")

    def test_reentry_respects_the_unique_field(self):
        twins = self._create_partners(2, prefix="twin", email="same@test.example.com")
        campaign = self._create_campaign(
            twins,
            unique_field_id=self.env["ir.model.fields"]._get("res.partner", "email").id,
            allow_reentry=True,
        )
        self._create_activity(campaign, "Hello", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self.assertEqual(campaign._enrol_participants(), 0)
        self.assertEqual(campaign.participant_ids.res_id, twins[0].id)
        campaign.participant_ids.action_remove()
        with self.mock_datetime_and_now(NOW):
            self.assertEqual(campaign._enrol_participants(), 1, "one of the value enters again")
            self.assertEqual(campaign._enrol_participants(), 0)
