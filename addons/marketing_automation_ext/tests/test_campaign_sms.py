from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignSms(MarketingAutomationCommon):
    """SMS activities send through the host's SMS composer with their mailing."""

    def test_one_sms_per_number_through_the_host_composer(self):
        campaign = self._create_campaign()
        sms = self._create_activity(
            campaign, "Text", activity_type="sms", mailing_body_plaintext="Hi {{ object.name }}"
        )
        first, same_number = self.partners[:2]
        same_number.mobile = first.mobile
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self._run_due()
        self.assertEqual(len(self._traces(sms, "processed")), 4)
        rejected = self._trace_of(sms, same_number)
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(rejected.state_msg, "This mailing was already sent to this phone number.")
        # the host's canceled SMS and mailing trace, linked to the marketing trace
        self.assertEqual(rejected.mailing_trace_ids.trace_status, "cancel")
        self.assertEqual(rejected.mailing_trace_ids.failure_type, "sms_duplicate")
        sent = self._trace_of(sms, first).mailing_trace_ids
        self.assertEqual(sent.trace_status, "outgoing")
        outgoing = self.env["sms.sms"].search(
            [("mailing_id", "=", sms.mailing_id.id), ("state", "=", "outgoing")]
        )
        self.assertEqual(len(outgoing), 4)
        self.assertIn("Hi ma_contact 0", outgoing.filtered(lambda s: s.id == sent.sms_id_int).body)
