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


@tagged("post_install", "-at_install")
class TestManualEnrolment(MarketingAutomationCommon):
    def test_add_to_campaign_from_the_list(self):
        outsider = self._create_partners(1, prefix="outsider")
        campaign = self._create_campaign(enrol_by_filter=False, enrol_manually=True)
        self._create_activity(campaign, "Hello", interval_number=1, interval_type="days")
        binding = self.env["ir.actions.act_window"].search(
            [("res_model", "=", "marketing.automation.campaign.enrol")]
        )
        self.assertEqual(binding.binding_model_id.model, "res.partner")
        self.assertEqual(binding.binding_view_types, "list")
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
        self.assertFalse(campaign.participant_ids, "nobody enters by the filter")
        Enrol = self.env["marketing.automation.campaign.enrol"].with_user(self.ma_user)
        selected = self.partners[:2] | outsider
        wizard = Enrol.with_context(active_model="res.partner", active_ids=selected.ids).create(
            {"campaign_id": campaign.id}
        )
        self.assertEqual(wizard.record_count, 3)
        with self.mock_datetime_and_now(NOW):
            params = wizard.action_enrol()["params"]
        self.assertEqual(
            (params["entered"], params["not_matching"], params["already_in"]), (2, 1, 0)
        )
        self.assertEqual(set(campaign.participant_ids.mapped("res_id")), set(self.partners[:2].ids))
        self.assertEqual(set(campaign.participant_ids.trace_ids.mapped("state")), {"scheduled"})
        wizard = Enrol.with_context(
            active_model="res.partner", active_ids=self.partners[1:3].ids
        ).create({"campaign_id": campaign.id})
        params = wizard.action_enrol()["params"]
        self.assertEqual(
            (params["entered"], params["not_matching"], params["already_in"]), (1, 0, 1)
        )
        self.assertIn("1 record(s) entered", params["message"])
        campaign.enrol_manually = False
        self.assertFalse(binding.exists(), "no action where no campaign takes records by hand")

    def test_reentry_by_hand(self):
        campaign = self._create_campaign(enrol_by_filter=False, enrol_manually=True)
        self._create_activity(campaign, "Hello", interval_number=1, interval_type="days")
        campaign.action_start()
        Enrol = self.env["marketing.automation.campaign.enrol"].with_user(self.ma_user)

        def add():
            wizard = Enrol.create(
                {
                    "res_model": "res.partner",
                    "res_ids": self.partners[:1].ids,
                    "campaign_id": campaign.id,
                }
            )
            return wizard.action_enrol()["params"]["entered"]

        self.assertEqual(add(), 1)
        campaign.participant_ids.action_remove()
        self.assertEqual(add(), 0, "a record that left stays out")
        campaign.allow_reentry = True
        self.assertEqual(add(), 1)
        self.assertEqual(add(), 0, "once running, it is in")
