from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignDryAndTestRuns(MarketingAutomationCommon):
    def _build(self):
        records = self.partners | self._create_partners(15, prefix="extra")
        records[:4].is_company = True
        # rejected by the email activity, in the dry run as in the real run
        records[1].email = False
        self.env["mail.blacklist"]._add(records[2].email)
        campaign = self._create_campaign(records)
        first = self._create_activity(
            campaign, "Everyone", domain=repr([("name", "not like", "extra 1")])
        )
        companies = self._create_activity(
            campaign,
            "Companies",
            parent=first,
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
            domain=repr([("is_company", "=", True)]),
        )
        self._create_activity(
            campaign, "Lead for companies", parent=companies, activity_type="create_lead"
        )
        self._create_activity(
            campaign,
            "Second start",
            activity_type="tags_remove",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
            domain=repr([("name", "like", "extra")]),
        )
        return campaign

    def test_dry_run_matches_real_run(self):
        campaign = self._build()
        campaign.action_start()
        result = campaign._dry_run()
        self.assertFalse(campaign.participant_ids, "a dry run writes nothing")
        self.assertFalse(
            self.env["marketing.automation.trace"].search([("campaign_id", "=", campaign.id)])
        )
        self.assertEqual(result["entering"], 20)
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            campaign._enrol_participants()
            self._run_due()
            self.assertEqual(
                len(self._queued_mails(campaign)),
                result["activities"][campaign.activity_ids[0].id]["reached"],
            )
        self.assertEqual(len(campaign.participant_ids), result["entering"])
        first = campaign.activity_ids.filtered(lambda a: a.name == "Everyone")
        self.assertEqual(
            sorted(
                first.trace_ids.filtered(lambda t: "email" in (t.state_msg or "")).mapped(
                    "state_msg"
                )
            ),
            ["The email address is blacklisted.", "The record has no email address."],
        )
        for activity in campaign.activity_ids:
            self.assertEqual(
                activity.processed_count,
                result["activities"][activity.id]["reached"],
                activity.name,
            )
        # the numbers shown to users come from the same computation
        wizard = self.env["marketing.automation.dry.run"].create({"campaign_id": campaign.id})
        self.assertEqual(wizard.entering_count, 0, "everyone is already enrolled")

    def test_test_run_step_by_step_outside_statistics(self):
        campaign = self._build()
        record = self.partners[0]
        record.is_company = True
        wizard = self.env["marketing.automation.test.run"].create({"campaign_id": campaign.id})
        self.assertTrue(wizard.record_ref, "a matching record is proposed")
        wizard.record_ref = f"res.partner,{record.id}"
        with self.mock_mail_gateway():
            action = wizard.action_start()
            participant = self.env["marketing.automation.participant"].browse(action["res_id"])
            self.assertTrue(participant.is_test)
            self.assertEqual(len(participant.trace_ids), 2)
            # the cron never runs test traces: they run step by step
            self.assertFalse(
                self.env["marketing.automation.trace"]._claim_due() & participant.trace_ids
            )
            for _step in range(4):
                participant.action_run_next_test_step()
            self.assertEqual(len(self._queued_mails(campaign)), 1)
        self.assertEqual(
            sorted(participant.trace_ids.mapped("state")),
            ["processed", "processed", "processed", "rejected"],
        )
        self.assertEqual(participant.state, "completed")
        self.assertEqual(campaign.participant_count, 0)
        self.assertEqual(campaign.test_participant_count, 1)
        self.assertEqual(campaign.processed_count, 0)
        self.assertEqual(campaign.activity_ids[0].processed_count, 0)
        # a tester clicking the link of the test email
        mailing_trace = participant.trace_ids.mailing_trace_ids
        self.assertEqual(len(mailing_trace), 1)
        link = self.env["link.tracker"].search(
            [
                ("mass_mailing_id", "=", mailing_trace.mass_mailing_id.id),
                ("url", "like", "example.com/offer"),
            ]
        )
        self.env["link.tracker.click"].sudo().add_click(
            link.code, ip="100.10.10.12", country_code="BE", mailing_trace_id=mailing_trace.id
        )
        self.assertEqual(
            self.env["link.tracker.click"].search_count(
                [("campaign_id", "=", campaign.utm_campaign_id.id)]
            ),
            1,
        )
        campaign.invalidate_recordset()
        self.assertEqual(campaign.link_click_count, 0, "test clicks stay out of the statistics")
