from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged, users

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignExecution(MarketingAutomationCommon):
    def test_email_activity_queues_tracked_mails(self):
        campaign = self._create_campaign()
        email = self._create_activity(campaign, "Welcome")
        no_email, blacklisted = self.partners[3], self.partners[4]
        no_email.email = False
        self.env["mail.blacklist"]._add(blacklisted.email)
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self.assertEqual(len(campaign.participant_ids), 5)
            self._run_due()
        self.assertEqual(self._trace_of(email, no_email).state, "rejected")
        self.assertEqual(
            self._trace_of(email, no_email).state_msg, "The record has no email address."
        )
        self.assertEqual(
            self._trace_of(email, blacklisted).state_msg, "The email address is blacklisted."
        )
        processed = self._traces(email, "processed")
        self.assertEqual(sorted(processed.participant_id.mapped("res_id")), self.partners[:3].ids)
        mails = self._queued_mails(campaign)
        self.assertEqual(len(mails), 3)
        self.assertEqual(mails.mailing_id, email.mailing_id)
        self.assertEqual(set(mails.mapped("res_id")), set(self.partners[:3].ids))
        mail0 = mails.filtered(lambda m: m.res_id == self.partners[0].id)
        self.assertIn("Hello ma_contact 0", mail0.body_html)
        self.assertIn("/r/", mail0.body_html, "links are shortened through the link tracker")
        self.assertNotIn("https://www.example.com/offer", mail0.body_html)
        self.assertEqual(mail0.email_to, self.partners[0].email)
        mailing_traces = processed.mailing_trace_ids
        self.assertEqual(len(mailing_traces), 3)
        self.assertEqual(mailing_traces.mass_mailing_id, email.mailing_id)
        self.assertEqual(mailing_traces.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(email.sent_count, 0, "queued, not sent yet")
        email.invalidate_recordset()
        # sending through the host adds the tracking pixel and the trace id to short links
        with self.mock_mail_gateway():
            mails.send()
        sent = next(m for m in self._mails if self.partners[0].email in m["email_to"][0])
        trace0 = self._trace_of(email, self.partners[0]).mailing_trace_ids
        self.assertIn(f"/m/{trace0.id}", sent["body"])
        self.assertIn("/mail/track/", sent["body"])
        self.assertEqual(trace0.trace_status, "sent")
        self.assertEqual(email.sent_count, 3)
        self.assertEqual(campaign.sent_count, 3)
        self.assertEqual(email.rejected_count, 2)
        self.assertTrue(all(p.state == "completed" for p in campaign.participant_ids))

    def test_campaign_creates_its_utm_campaign(self):
        campaign = self._create_campaign(name="Spring")
        self.assertEqual(campaign.utm_campaign_id.title, "Spring")
        campaign.name = "Summer"
        self.assertEqual(campaign.utm_campaign_id.title, "Summer")
        email = self._create_activity(campaign, "Hello")
        self.assertEqual(email.mailing_id.campaign_id, campaign.utm_campaign_id)
        with self.assertRaises(ValidationError):
            campaign.domain = "[('name', '=',"

    def test_unique_field_deduplicates(self):
        twins = self._create_partners(2, prefix="twin", email="same@test.example.com")
        no_email = self._create_partners(2, prefix="no email", email=False)
        records = self.partners | twins | no_email
        campaign = self._create_campaign(
            records,
            unique_field_id=self.env["ir.model.fields"]._get("res.partner", "email").id,
        )
        self._create_activity(campaign, "Hello")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            campaign._enrol_participants()
        self.assertEqual(len(campaign.participant_ids), 8, "records without email each enter")
        with self.mock_datetime_and_now(NOW):
            self.assertEqual(campaign._enrol_participants(), 0, "and only once")
        self.assertEqual(
            campaign.participant_ids.filtered(
                lambda p: p.unique_value == "same@test.example.com"
            ).res_id,
            twins[0].id,
        )

    def test_delay_filter_and_expiry(self):
        campaign = self._create_campaign()
        email = self._create_activity(
            campaign,
            "Later",
            interval_number=2,
            interval_type="hours",
            domain=repr([("name", "!=", "ma_contact 1")]),
        )
        expiring = self._create_activity(
            campaign,
            "Expiring",
            activity_type="tags_add",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
            validity_enabled=True,
            validity_number=30,
            validity_type="minutes",
        )
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self.assertEqual(
                set(email.trace_ids.mapped("schedule_date")), {NOW + timedelta(hours=2)}
            )
            self.assertFalse(
                self.env["marketing.automation.trace"]._claim_due().activity_id - expiring
            )
        with self.mock_datetime_and_now(NOW + timedelta(hours=3)), self.mock_mail_gateway():
            self._run_due()
        rejected = self._trace_of(email, self.partners[1])
        self.assertEqual(rejected.state, "rejected")
        self.assertEqual(rejected.state_msg, "The record no longer matches the activity filter.")
        self.assertEqual(len(self._traces(email, "processed")), 4)
        self.assertEqual(set(expiring.trace_ids.mapped("state")), {"rejected"})
        self.assertIn("Expired", expiring.trace_ids[0].state_msg)

    def test_failing_batch_is_rolled_back_and_recorded(self):
        action = self.env["ir.actions.server"].create(
            {
                "name": "Failing action",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": (
                    "env['mail.mail'].create({'subject': 'leaked', 'email_to': 'x@test.example.com',"
                    " 'body_html': '<p>x</p>'})\n"
                    "records.write({'comment': 'touched'})\n"
                    "raise UserError('Boom from the action')"
                ),
            }
        )
        campaign = self._create_campaign()
        failing = self._create_activity(
            campaign, "Failing", activity_type="server_action", server_action_id=action.id
        )
        email = self._create_activity(campaign, "Mail")
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            self._start(campaign)
            self._run_due()
        self.assertEqual(set(failing.trace_ids.mapped("state")), {"error"})
        self.assertTrue(all("Boom from the action" in t.state_msg for t in failing.trace_ids))
        self.assertEqual(set(email.trace_ids.mapped("state")), {"processed"})
        self.assertFalse(self.env["mail.mail"].search([("subject", "=", "leaked")]))
        self.assertFalse(any(self.partners.mapped("comment")))
        self.assertEqual(len(self._queued_mails(campaign)), 5)
        self.assertEqual(failing.error_count, 5)

    @users("ma_campaign_user")
    def test_server_action_reserved_to_managers(self):
        action = (
            self.env["ir.actions.server"]
            .sudo()
            .create(
                {
                    "name": "Harmless",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "state": "code",
                    "code": "records.write({'comment': 'ok'})",
                }
            )
        )
        campaign = self._create_campaign()
        with self.assertRaises(AccessError):
            self._create_activity(
                campaign, "Code", activity_type="server_action", server_action_id=action.id
            )
        activity = self._create_activity(campaign, "Tags", activity_type="tags_add")
        with self.assertRaises(AccessError):
            activity.write({"activity_type": "server_action", "server_action_id": action.id})
        manager_activity = (
            self.env["marketing.automation.activity"]
            .with_user(self.ma_manager)
            .create(
                {
                    "name": "Code",
                    "campaign_id": campaign.id,
                    "activity_type": "server_action",
                    "server_action_id": action.id,
                }
            )
        )
        self.assertEqual(manager_activity.sudo().server_action_id, action)

    def _run_and_get_partner_activities(self, campaign):
        """Start the campaign, run it, and return the activities left on the five partners."""
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            self._run_due()
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.partners.ids)]
        )
        self.assertEqual(len(activities), 5)
        return activities

    def test_activity_tags_and_lead_actions(self):
        salesman = new_salesman = self.env["res.users"].create(
            {"name": "Sal Esman", "login": "ma_salesman", "email": "sal@test.example.com"}
        )
        self.partners.user_id = salesman
        self.partners[0].user_id = False
        hot = self.env["res.partner.category"].create({"name": "Hot test"})
        campaign = self._create_campaign()
        call = self._create_activity(
            campaign,
            "Call",
            activity_type="schedule_activity",
            mail_activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
            mail_activity_summary="Call them",
        )
        tag = self._create_activity(
            campaign, "Tag", activity_type="tags_add", partner_category_ids=[(6, 0, hot.ids)]
        )
        self._create_activity(
            campaign,
            "Untag",
            parent=tag,
            activity_type="tags_remove",
            partner_category_ids=[(6, 0, self.tag_vip.ids)],
        )
        self._create_activity(campaign, "Lead", activity_type="create_lead", lead_priority="2")
        activities = self._run_and_get_partner_activities(campaign)
        self.assertEqual(set(activities.mapped("summary")), {"Call them"})
        self.assertEqual(
            activities.filtered(lambda a: a.res_id != self.partners[0].id).user_id, new_salesman
        )
        self.assertEqual(
            activities.filtered(lambda a: a.res_id == self.partners[0].id).user_id,
            campaign.user_id,
        )
        self.assertEqual(set(call.trace_ids.mapped("state")), {"processed"})
        for partner in self.partners:
            self.assertIn(hot, partner.category_id)
            self.assertNotIn(self.tag_vip, partner.category_id)
        leads = self.env["crm.lead"].search([("campaign_id", "=", campaign.utm_campaign_id.id)])
        self.assertEqual(leads.partner_id, self.partners)
        self.assertEqual(set(leads.mapped("priority")), {"2"})

    def test_automation_mailing_cannot_be_sent_from_email_marketing(self):
        campaign = self._create_campaign()
        email = self._create_activity(campaign, "Welcome")
        sms = self._create_activity(campaign, "Text", activity_type="sms")
        self.assertEqual(email.action_open_mailing()["res_id"], email.mailing_id.id)
        marketer = new_test_user(
            self.env, "ma_email_marketer", groups="mass_mailing.group_mass_mailing_user"
        )
        self.assertFalse(
            marketer.has_group("marketing_automation_ext.marketing_automation_ext_group_user")
        )
        newsletter = self.env["mailing.mailing"].create(
            {
                "subject": "Newsletter",
                "body_html": "<p>News</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", self.partners.ids)]),
            }
        )
        # an email marketer without automation rights still sends the other mailings
        newsletter.with_user(marketer).action_put_in_queue()
        self.assertEqual(newsletter.state, "in_queue")
        mailings = (email | sms).mailing_id
        self.assertEqual(set(mailings.mapped("mailing_domain")), {"[('id', '=', False)]"})
        for mailing in mailings:
            for action in ("action_put_in_queue", "action_send_mail", "action_launch"):
                with self.assertRaises(UserError, msg=action):
                    getattr(mailing.with_user(marketer), action)()
        # a mailing left behind by its activity stays out of Email Marketing's hands
        mailing = sms.mailing_id
        sms.unlink()
        with self.assertRaises(UserError):
            mailing.with_user(marketer).action_send_mail()
        self.assertEqual(mailing.state, "draft")

    def test_archiving_a_running_campaign_stops_it(self):
        campaign = self._create_campaign()
        later = self._create_activity(campaign, "Later", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        campaign.active = False
        self.assertEqual(campaign.state, "stopped")
        self.assertEqual(set(later.trace_ids.mapped("state")), {"canceled"})

    def test_enrolment_cron_takes_new_matching_records(self):
        campaign = self._create_campaign(domain=repr([("name", "=like", "ma_contact %")]))
        self._create_activity(campaign, "Welcome", interval_number=1, interval_type="days")
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            self.env["marketing.automation.campaign"]._cron_enrol()
            self.assertEqual(len(campaign.participant_ids), 5)
            newcomer = self._create_partners(1, prefix="ma_contact new")
            self.env["marketing.automation.campaign"]._cron_enrol()
        self.assertEqual(len(campaign.participant_ids), 6)
        self.assertIn(newcomer.id, campaign.participant_ids.mapped("res_id"))
        self.assertEqual(campaign.last_sync_date, NOW)
        self.assertEqual(campaign.running_participant_count, 6)

    @users("ma_campaign_user")
    def test_campaign_actions_show_the_campaigns_records(self):
        """The smart buttons list the records of their campaign only, as its user sees them."""
        campaign = self._create_campaign()
        welcome = self._create_activity(campaign, "Welcome")
        other = self._create_campaign(self.partners[:2], name="Other campaign")
        self._create_activity(other, "Other welcome")
        for each in (campaign, other):
            self._start(each)
        tester = (
            self.env["marketing.automation.participant"]
            .sudo()
            .create(
                {
                    "campaign_id": campaign.id,
                    "res_model": "res.partner",
                    "res_id": self.partners[0].id,
                    "is_test": True,
                }
            )
        )
        link = (
            self.env["link.tracker"]
            .sudo()
            .create(
                {"url": "https://www.example.com/offer", "campaign_id": campaign.utm_campaign_id.id}
            )
        )
        self.env["link.tracker.click"].sudo().create({"link_id": link.id, "ip": "10.0.0.1"})
        campaign = campaign.with_user(self.ma_user)

        def shown(action):
            model = self.env[action["res_model"]].with_user(self.ma_user)
            return model.with_context(action["context"] or {}).search(action["domain"])

        participants = shown(campaign.action_view_participants())
        self.assertEqual(participants, campaign.participant_ids | tester)
        tester = tester.with_env(self.env)
        self.assertEqual(shown(campaign.action_view_test_participants()), tester)
        self.assertEqual(shown(campaign.action_view_traces()), welcome.trace_ids)
        self.assertEqual(len(welcome.trace_ids), 5)
        self.assertEqual(shown(campaign.action_view_clicks()).link_id, link)
        test_run = campaign.action_open_test_run()
        self.assertEqual(
            self.env[test_run["res_model"]]
            .with_user(self.ma_user)
            .with_context(test_run["context"])
            .new({})
            .campaign_id,
            campaign,
        )
        dry_run = self.env["marketing.automation.dry.run"].browse(
            campaign.action_dry_run()["res_id"]
        )
        self.assertEqual(dry_run.entering_count, 0, "all five are in already")
        self.assertEqual(campaign.record_count, 5)

    def test_copy_type_switch_and_target_change(self):
        campaign = self._create_campaign()
        first = self._create_activity(campaign, "First")
        self._create_activity(campaign, "Second", parent=first, activity_type="create_lead")
        copy = campaign.copy()
        self.assertEqual(copy.name, "Test campaign (copy)")
        self.assertNotEqual(copy.utm_campaign_id, campaign.utm_campaign_id)
        self.assertEqual(len(copy.activity_ids), 2)
        copied_first = copy.activity_ids.filtered(lambda a: not a.parent_id)
        self.assertEqual(copied_first.child_ids.name, "Second")
        self.assertNotEqual(copied_first.mailing_id, first.mailing_id)
        self.assertIn("object.name", copied_first.mailing_id.body_html)
        # an action turned into an SMS gets a mailing of the right kind
        second = copy.activity_ids - copied_first
        second.write({"activity_type": "sms", "trigger_type": "activity"})
        self.assertEqual(second.mailing_id.mailing_type, "sms")
        # the target follows into the mailings until participants exist
        copy.model_id = self.env["ir.model"]._get("crm.lead")
        copy.domain = "[]"
        self.assertEqual(
            set(copy.activity_ids.mailing_id.mapped("mailing_model_real")), {"crm.lead"}
        )
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        with self.assertRaises(ValidationError):
            campaign.model_id = self.env["ir.model"]._get("crm.lead")

    def test_enrolment_stays_in_the_campaign_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        foreign = self._create_partners(1, prefix="ma_foreign")
        foreign.company_id = other
        campaign = self._create_campaign(self.partners | foreign)
        self._create_activity(campaign, "Hello")
        self.assertEqual(campaign.record_count, 5)
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
            campaign._enrol_participants()
        self.assertEqual(
            sorted(campaign.participant_ids.mapped("res_id")), sorted(self.partners.ids)
        )

    def test_activity_deadline_in_the_assignee_time_zone(self):
        far = self.env["res.users"].create(
            {"name": "Far Seller", "login": "ma_far_seller", "tz": "Pacific/Pago_Pago"}
        )
        self.partners.user_id = far
        campaign = self._create_campaign()
        self._create_activity(
            campaign,
            "Call",
            activity_type="schedule_activity",
            mail_activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
            mail_activity_summary="Call them",
        )
        # 09:00 in UTC is still the evening before in Pago Pago
        activities = self._run_and_get_partner_activities(campaign)
        self.assertEqual(set(activities.mapped("date_deadline")), {date(2026, 3, 1)})
