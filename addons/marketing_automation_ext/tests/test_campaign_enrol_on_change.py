from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon

RULES_LOGGER = "odoo.addons.marketing_automation_ext.models.campaign.enrolment"


@tagged("post_install", "-at_install")
class TestCampaignEnrolOnChange(MarketingAutomationCommon):
    """Enrolment on change: partners whose job position is Purchasing are in the campaign."""

    def _rules_campaign(self, **values):
        campaign = self.env["marketing.automation.campaign"].create(
            {
                "name": "Purchasing",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": repr([("function", "=", "Purchasing")]),
                "enrol_by_filter": False,
                "enrol_on_change": True,
                **values,
            }
        )
        self._create_activity(campaign, "Meeting", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
        return campaign

    def _participants(self, campaign, partner):
        return campaign.participant_ids.filtered(lambda p: p.res_id == partner.id)

    def test_records_enter_and_leave(self):
        campaign = self._rules_campaign()
        Partner = self.env["res.partner"].with_user(self.ma_user)
        with self.mock_datetime_and_now(NOW):
            buyer = Partner.create({"name": "Buyer", "function": "Purchasing"})
            seller = Partner.create({"name": "Seller", "function": "Sales"})
        self.assertEqual(self._participants(campaign, buyer).state, "running")
        self.assertEqual(self._participants(campaign, buyer).trace_ids.state, "scheduled")
        self.assertFalse(self._participants(campaign, seller))
        with self.mock_datetime_and_now(NOW + timedelta(hours=1)):
            seller.function = "Purchasing"
            buyer.function = "Sales"
        self.assertEqual(self._participants(campaign, seller).state, "running")
        left = self._participants(campaign, buyer)
        self.assertEqual(left.state, "removed")
        self.assertEqual(left.removal_reason, "No longer matches the campaign's filter.")
        self.assertEqual(left.trace_ids.state, "canceled")
        buyer.function = "Purchasing"
        self.assertEqual(
            self._participants(campaign, buyer), left, "without re-entry, it stays out"
        )
        campaign.allow_reentry = True
        buyer.function = "Sales"
        buyer.function = "Purchasing"
        self.assertEqual(
            len(self._participants(campaign, buyer)), 2, "with re-entry, it enters again"
        )
        self.assertEqual(
            self._participants(campaign, buyer).mapped("state"), ["running", "removed"]
        )

    def test_only_running_campaigns_using_rules(self):
        campaign = self._rules_campaign(enrol_on_change=False)
        stopped = self._rules_campaign()
        stopped.action_stop()
        partner = self.env["res.partner"].create({"name": "Buyer", "function": "Purchasing"})
        self.assertFalse(campaign.participant_ids | stopped.participant_ids)
        campaign.enrol_on_change = True
        partner.function = "Purchasing"
        self.assertEqual(len(campaign.participant_ids), 1, "the rules apply once enabled")
        self.assertFalse(stopped.participant_ids)

    def _write_cost(self, partners, function):
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        partners.write({"function": function})
        self.env.flush_all()
        return self.cr.sql_log_count - before

    def test_rules_cost_a_bounded_number_of_queries(self):
        few = self._create_partners(10, prefix="few")
        many = self._create_partners(100, prefix="many")
        warm_up = self._create_partners(10, prefix="warm")
        # no running campaign using rules: a write of the target costs no query more
        self._write_cost(warm_up, "Sales")
        without = self._write_cost(few, "Sales")
        campaign = self._rules_campaign()
        campaign.action_stop()
        self._write_cost(warm_up, "Marketing")
        self.assertEqual(self._write_cost(few, "Marketing"), without, "one cached check")
        campaign = self._rules_campaign()
        self._write_cost(warm_up, "Purchasing")
        self._write_cost(warm_up, "Sales")
        entering = self._write_cost(few, "Purchasing")
        self.assertEqual(self._write_cost(many, "Purchasing"), entering)
        self.assertEqual(
            len(campaign.participant_ids.filtered(lambda p: p.state == "running")), 110
        )
        leaving = self._write_cost(few, "Sales")
        self.assertEqual(self._write_cost(many, "Sales"), leaving)
        self.assertEqual(set(campaign.participant_ids.mapped("state")), {"removed"})

    def test_failing_campaign_never_fails_the_write(self):
        campaign = self._rules_campaign()
        Campaign = type(self.env["marketing.automation.campaign"])
        with (
            patch.object(Campaign, "_enrol_or_remove", side_effect=ValueError("broken filter")),
            self.assertLogs(RULES_LOGGER, "WARNING"),
        ):
            partner = (
                self.env["res.partner"]
                .with_user(self.ma_user)
                .create({"name": "Buyer", "function": "Purchasing"})
            )
        self.assertTrue(partner.exists())
        self.assertEqual(campaign.last_error, "broken filter")
        self.assertEqual(campaign.last_error_origin, "rules")
        partner.function = "Sales"
        partner.function = "Purchasing"
        self.assertFalse(campaign.last_error, "cleared once it works again")
        self.assertEqual(campaign.participant_ids.state, "running")
