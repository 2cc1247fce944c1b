from datetime import timedelta

from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignTriggers(MarketingAutomationCommon):
    def _tag_child(self, campaign, name, parent, trigger, **values):
        return self._create_activity(
            campaign,
            name,
            parent=parent,
            trigger_type=trigger,
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
            **values,
        )

    def _click(self, mailing_trace, url_part):
        link = self.env["link.tracker"].search(
            [("mass_mailing_id", "=", mailing_trace.mass_mailing_id.id), ("url", "like", url_part)]
        )
        self.assertEqual(len(link), 1)
        return (
            self.env["link.tracker.click"]
            .sudo()
            .add_click(
                link.code, ip="100.10.10.10", country_code="BE", mailing_trace_id=mailing_trace.id
            )
        )

    def test_mail_triggers(self):
        campaign = self._create_campaign()
        parent = self._create_activity(campaign, "Offer")
        day = {"interval_number": 1, "interval_type": "days"}
        opened = self._tag_child(campaign, "Opened", parent, "mail_open")
        not_opened = self._tag_child(campaign, "Not opened", parent, "mail_not_open", **day)
        clicked = self._tag_child(campaign, "Clicked", parent, "mail_click", interval_number=2)
        not_clicked = self._tag_child(campaign, "Not clicked", parent, "mail_not_click", **day)
        replied = self._tag_child(campaign, "Replied", parent, "mail_reply")
        not_replied = self._tag_child(campaign, "Not replied", parent, "mail_not_reply", **day)
        bounced = self._tag_child(campaign, "Bounced", parent, "mail_bounce")
        p_open, p_click, p_reply, p_bounce, _p_none = self.partners
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
            self.assertEqual(len(self._traces(parent, "processed")), 5)
            # "not" children wait at the parent's time plus their delay; event children wait
            for activity in (not_opened, not_clicked, not_replied):
                self.assertEqual(len(activity.trace_ids), 5)
                self.assertEqual(
                    set(activity.trace_ids.mapped("schedule_date")), {NOW + timedelta(days=1)}
                )
            self.assertFalse((opened | clicked | replied | bounced).trace_ids)
            mails = self._queued_mails(campaign)
            mails.send()
        mailing = parent.mailing_id

        def mailing_trace(partner):
            return self._trace_of(parent, partner).mailing_trace_ids

        event_time = NOW + timedelta(hours=1)
        with self.mock_datetime_and_now(event_time):
            # the tracking pixel route
            mail_open = mails.filtered(lambda m: m.res_id == p_open.id)
            self.env["mailing.trace"].sudo().set_opened(
                domain=[("mail_mail_id_int", "in", mail_open.ids)]
            )
            self._click(mailing_trace(p_click), "example.com/offer")
            mailing_trace(p_reply).set_replied()
            self.gateway_mail_trace_bounce(mailing, p_bounce)
        self.assertEqual(self._trace_of(opened, p_open).schedule_date, event_time)
        self.assertEqual(
            self._trace_of(opened, p_click).state, "scheduled", "a click implies an open"
        )
        self.assertEqual(
            self._trace_of(clicked, p_click).schedule_date, event_time + timedelta(hours=2)
        )
        self.assertEqual(clicked.trace_ids.participant_id.mapped("res_id"), [p_click.id])
        self.assertEqual(replied.trace_ids.participant_id.mapped("res_id"), [p_reply.id])
        self.assertEqual(bounced.trace_ids.participant_id.mapped("res_id"), [p_bounce.id])
        # a bounce cancels every "not" follow-up: that address never got the message
        self.assertEqual(
            self._trace_of(not_opened, p_bounce).state_msg,
            "Canceled: the parent message bounced.",
        )
        for activity, reacting in (
            (not_opened, p_open | p_click | p_reply | p_bounce),
            (not_clicked, p_click | p_bounce),
            (not_replied, p_reply | p_bounce),
        ):
            canceled = activity.trace_ids.filtered(lambda t: t.state == "canceled")
            self.assertEqual(
                set(canceled.participant_id.mapped("res_id")), set(reacting.ids), activity.name
            )
        # a second open changes nothing
        with self.mock_datetime_and_now(event_time + timedelta(hours=1)):
            mailing_trace(p_open).set_opened()
        self.assertEqual(len(self._trace_of(opened, p_open)), 1)

        with self.mock_datetime_and_now(NOW + timedelta(days=2)), self.mock_mail_gateway():
            self._run_due()
        self.assertEqual(len(self._traces(opened, "processed")), 3)
        self.assertEqual(len(self._traces(not_opened, "processed")), 1)
        self.assertEqual(len(self._traces(not_clicked, "processed")), 3)
        self.assertEqual(len(self._traces(not_replied, "processed")), 3)
        self.assertEqual(len(self._traces(bounced, "processed")), 1)
        # metrics per activity and per campaign
        self.assertEqual(parent.opened_count, 3)
        self.assertEqual(parent.clicked_count, 1)
        self.assertEqual(parent.replied_count, 1)
        self.assertEqual(parent.bounced_count, 1)
        self.assertEqual(parent.processed_count, 5)
        self.assertEqual(campaign.clicked_count, 1)
        self.assertEqual(campaign.link_click_count, 1)
        self.assertEqual(not_opened.processed_count, 1)

    def test_sms_triggers(self):
        campaign = self._create_campaign()
        sms = self._create_activity(
            campaign,
            "Text",
            activity_type="sms",
            mailing_body_plaintext="Hi {{ object.name }}, see https://www.example.com/sms-offer",
        )
        clicked = self._tag_child(campaign, "SMS clicked", sms, "sms_click")
        not_clicked = self._tag_child(
            campaign,
            "SMS not clicked",
            sms,
            "sms_not_click",
            interval_number=1,
            interval_type="days",
        )
        bounced = self._tag_child(campaign, "SMS bounced", sms, "sms_bounce")
        self.partners[4].mobile = False
        self.env["phone.blacklist"].sudo().add(self.partners[3].mobile)
        sms.mailing_id.sms_allow_unsubscribe = True
        p_click, p_bounce = self.partners[:2]
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self._run_due()
        processed = self._traces(sms, "processed")
        self.assertEqual(len(processed), 3)
        self.assertEqual(
            self._trace_of(sms, self.partners[4]).state_msg, "The record has no valid phone number."
        )
        self.assertEqual(
            self._trace_of(sms, self.partners[3]).state_msg, "The phone number is blacklisted."
        )
        sms_records = self.env["sms.sms"].search([("mailing_id", "=", sms.mailing_id.id)])
        self.assertEqual(len(sms_records), 3)
        sms_click = sms_records.filtered(
            lambda s: s.id == self._trace_of(sms, p_click).mailing_trace_ids.sms_id_int
        )
        self.assertIn("Hi ma_contact 0", sms_click.body)
        self.assertIn(f"/s/{sms_click.id}", sms_click.body)
        code = self._trace_of(sms, p_click).mailing_trace_ids.sms_code
        self.assertTrue(code)
        self.assertIn(f"/sms/{sms.mailing_id.id}/{code}", sms_click.body, "the opt-out link")
        with self.mock_datetime_and_now(NOW + timedelta(hours=1)):
            self._click(self._trace_of(sms, p_click).mailing_trace_ids, "sms-offer")
            tracker = self._trace_of(sms, p_bounce).mailing_trace_ids.sms_tracker_ids
            self.assertEqual(len(tracker), 1)
            tracker._action_update_from_provider_error("invalid_destination")
        self.assertEqual(clicked.trace_ids.participant_id.mapped("res_id"), [p_click.id])
        self.assertEqual(bounced.trace_ids.participant_id.mapped("res_id"), [p_bounce.id])
        self.assertEqual(self._trace_of(not_clicked, p_click).state, "canceled")
        self.assertEqual(self._trace_of(not_clicked, p_bounce).state, "canceled")
        with self.mock_datetime_and_now(NOW + timedelta(days=2)):
            self._run_due()
        self.assertEqual(len(self._traces(not_clicked, "processed")), 1)
        self.assertEqual(len(self._traces(clicked, "processed")), 1)
        self.assertEqual(sms.clicked_count, 1)
        self.assertEqual(sms.bounced_count, 1)
