from odoo.exceptions import ValidationError
from odoo.tests import tagged, users
from odoo.tools import SQL, mute_logger

from .common import NOW, MarketingAutomationCommon

CAMPAIGN_LOGGER = "odoo.addons.marketing_automation_ext.models.campaign.enrolment"
TRACE_LOGGER = "odoo.addons.marketing_automation_ext.models.trace.runner"

BAD_FILTERS = {
    "[('no_such_field', '=', 1)]": "no_such_field",
    "[('category_id.no_such_field', '=', 1)]": "no_such_field",
    "[1, 2]": "neither a condition",
    "['|']": "lacks the conditions",
    "['|', ('name', '=', 'a')]": "lacks the conditions",
    "[('name', 'resembles', 'a')]": "neither a condition",
    "[('name', '=')]": "neither a condition",
    "{'name': 'a'}": "must be a list",
    "42": "must be a list",
    "[('name', '=',": "not a list of conditions",
    "[('id', '=', 'not a number')]": "integer",
}


@tagged("post_install", "-at_install")
class TestCampaignFilters(MarketingAutomationCommon):
    """Filters are checked when saved; a filter that breaks later (a field removed) stops its
    own campaign only, with the reason shown on the campaign."""

    def _break_filter(self, record, domain="[('x_removed_field', '=', 1)]"):
        """Store a filter that was valid once and no longer is (the field was removed)."""
        record.flush_recordset()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET domain = %s WHERE id = %s",
                SQL.identifier(record._table),
                domain,
                record.id,
            )
        )
        record.invalidate_recordset(["domain"])

    @users("ma_campaign_user")
    def test_campaign_and_activity_filters_are_checked_when_saved(self):
        campaign = self._create_campaign()
        activity = self._create_activity(campaign, "Hello")
        for domain, reason in BAD_FILTERS.items():
            with self.subTest(domain=domain):
                with self.assertRaises(ValidationError) as error:
                    campaign.domain = domain
                self.assertIn(reason, str(error.exception))
                with self.assertRaises(ValidationError) as error:
                    activity.domain = domain
                self.assertIn(reason, str(error.exception))
                with self.assertRaises(ValidationError) as error:
                    self._create_campaign(domain=domain)
                self.assertIn(reason, str(error.exception))
        good = "['|', ('name', '=', 'a'), '!', ('category_id.name', 'ilike', 'vip')]"
        campaign.domain = good
        activity.domain = good
        self.assertEqual(campaign.domain, good)
        self.assertEqual(activity.domain, good)
        # an activity filter is searched on the campaign's target
        lead_campaign = self._create_campaign(
            model_id=self.env["ir.model"]._get_id("crm.lead"), domain="[]"
        )
        with self.assertRaises(ValidationError) as error:
            self._create_activity(lead_campaign, "Partner field", domain=good)
        self.assertIn("category_id", str(error.exception))
        # changing the target checks the activity filters against the new one
        with self.assertRaises(ValidationError) as error:
            campaign.write({"model_id": self.env["ir.model"]._get_id("crm.lead"), "domain": "[]"})
        self.assertIn("category_id", str(error.exception))

    def test_enrolment_goes_on_when_one_campaign_filter_breaks(self):
        first = self._create_campaign(name="First")
        self._create_activity(first, "Hello", interval_number=1, interval_type="days")
        broken = self._create_campaign(name="Broken")
        self._create_activity(broken, "Hello", interval_number=1, interval_type="days")
        last = self._create_campaign(name="Last")
        self._create_activity(last, "Hello", interval_number=1, interval_type="days")
        (first | broken | last).action_start()
        self._break_filter(broken)
        Campaign = self.env["marketing.automation.campaign"]
        with self.mock_datetime_and_now(NOW), mute_logger(CAMPAIGN_LOGGER):
            Campaign._cron_enrol()
        self.assertEqual(len(first.participant_ids), 5)
        self.assertEqual(len(last.participant_ids), 5)
        self.assertFalse(broken.participant_ids)
        self.assertIn("x_removed_field", broken.last_error)
        self.assertEqual(broken.last_error_date, NOW)
        self.assertEqual(broken.last_error_origin, "enrol")
        self.assertFalse(first.last_error or last.last_error)
        self.assertEqual(broken.record_count, 0, "the form still opens")
        # the filter is fixed: the next run enrols and forgets the error
        broken.domain = repr([("id", "in", self.partners.ids)])
        with self.mock_datetime_and_now(NOW):
            Campaign._cron_enrol()
        self.assertEqual(len(broken.participant_ids), 5)
        self.assertFalse(broken.last_error)
        self.assertFalse(broken.last_error_date)

    def test_execution_goes_on_when_one_activity_filter_breaks(self):
        healthy = self._create_campaign(name="Healthy")
        healthy_mail = self._create_activity(healthy, "Mail")
        broken = self._create_campaign(name="Broken")
        broken_mail = self._create_activity(broken, "Mail")
        with self.mock_datetime_and_now(NOW):
            self._start(healthy)
            self._start(broken)
        self._break_filter(broken_mail)
        Trace = self.env["marketing.automation.trace"]
        with (
            self.mock_datetime_and_now(NOW),
            self.mock_mail_gateway(),
            mute_logger(TRACE_LOGGER),
        ):
            Trace._cron_execute()
        self.assertEqual(set(healthy_mail.trace_ids.mapped("state")), {"processed"})
        self.assertEqual(set(broken_mail.trace_ids.mapped("state")), {"error"})
        self.assertIn("x_removed_field", broken.last_error)
        self.assertEqual(broken.last_error_origin, "execute")
        self.assertFalse(healthy.last_error)
        # an enrolment that succeeds does not hide an execution error
        with self.mock_datetime_and_now(NOW):
            self.env["marketing.automation.campaign"]._cron_enrol()
        self.assertTrue(broken.last_error)
        # the filter is fixed and a new activity runs: the error is gone
        broken_mail.domain = "[]"
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._create_activity(broken, "Again")
            Trace._cron_execute()
        self.assertFalse(broken.last_error)

    def test_campaign_form_shows_the_last_error(self):
        arch = self.env["marketing.automation.campaign"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="last_error"', arch)
        self.assertIn("alert-danger", arch)
