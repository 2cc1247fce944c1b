from odoo.tests import tagged

from odoo.addons.marketing_automation_ext.tools.triggers import EVENT_FIELDS

from .common import MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignTemplates(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman = cls.env["res.users"].create(
            {
                "name": "Template Seller",
                "login": "ma_template_seller",
                "email": "seller@test.example.com",
            }
        )
        customer = cls.env["res.partner"].create(
            {"name": "Existing customer", "email": "customer@test.example.com"}
        )
        cls.records = {
            "tag_hot": cls.partners[0],
            "welcome": cls.env["mailing.contact"].create(
                {"name": "New subscriber", "email": "subscriber@test.example.com"}
            ),
            "double_optin": cls.env["mailing.contact"].create(
                {"name": "Careful subscriber", "email": "careful@test.example.com"}
            ),
            "prospection": cls.env["res.partner"].create(
                {"name": "Prospect Inc", "email": "prospect@test.example.com", "is_company": True}
            ),
            "schedule_calls": cls.env["crm.lead"].create(
                {"name": "New need", "partner_id": customer.id, "user_id": cls.salesman.id}
            ),
            "hot_leads": cls.env["crm.lead"].create(
                {"name": "Hot lead", "email_from": "hot@test.example.com", "type": "lead"}
            ),
        }
        # the reaction each template waits for, simulated in the test run
        cls.reactions = {
            "tag_hot": "mail_click",
            "welcome": "mail_bounce",
            "double_optin": "mail_click",
            "prospection": "mail_click",
            "hot_leads": "mail_open",
        }

    def _test_run(self, campaign, record, reaction):
        wizard = (
            self.env["marketing.automation.test.run"]
            .with_env(campaign.env)
            .create({"campaign_id": campaign.id})
        )
        wizard.record_ref = f"{record._name},{record.id}"
        participant = wizard.env["marketing.automation.participant"].browse(
            wizard.action_start()["res_id"]
        )
        for _step in range(10):
            # react as soon as a message waits for it, as a tester would, then run the next step
            waiting = participant.trace_ids.filtered(
                lambda t: (
                    t.state == "processed"
                    and t.activity_id.child_ids.filtered(lambda a: a.trigger_type == reaction)
                    and not t[EVENT_FIELDS[reaction]]
                )
            )
            if waiting:
                waiting.with_context(simulate_event=reaction).action_simulate_event()
            elif participant.trace_ids.filtered(lambda t: t.state == "scheduled"):
                participant.action_run_next_test_step()
            else:
                break
        return participant

    def test_each_template_creates_a_campaign_that_test_runs(self):
        templates = self.env["marketing.automation.template"].search([])
        self.assertEqual(len(templates), 6)
        for template in templates:
            with self.subTest(template=template.key), self.mock_mail_gateway():
                action = template.with_user(self.ma_user).action_create_campaign()
                campaign = self.env["marketing.automation.campaign"].browse(action["res_id"])
                self.assertEqual(campaign.state, "draft")
                self.assertTrue(campaign.activity_ids)
                self.assertEqual(campaign.create_uid, self.ma_user)
                record = self.records[template.key]
                self.assertIn(
                    record, self.env[campaign.model_name].search(campaign._get_filter_domain())
                )
                for activity in campaign.activity_ids.filtered(
                    lambda a: a.activity_type == "email"
                ):
                    self.assertIn("object.name", activity.mailing_id.body_html)
                participant = self._test_run(
                    campaign, record, self.reactions.get(template.key, "mail_open")
                )
                traces = participant.trace_ids
                self.assertTrue(traces)
                self.assertFalse(
                    traces.filtered(lambda t: t.state in ("error", "scheduled")),
                    traces.mapped("state_msg"),
                )
                self.assertEqual(campaign.processed_count, 0, "test runs stay out of statistics")
                self._check_effect(template.key, record, campaign, traces)

    def _check_effect(self, key, record, campaign, traces):
        processed = traces.filtered(lambda t: t.state == "processed")
        if key == "tag_hot":
            self.assertIn("Hot", record.category_id.mapped("name"))
        elif key == "welcome":
            self.assertTrue(
                self.env["mail.blacklist"].search([("email", "=", "subscriber@test.example.com")])
            )
        elif key == "double_optin":
            self.assertIn("Confirmed", record.tag_ids.mapped("name"))
        elif key == "prospection":
            self.assertTrue(record.activity_ids)
            reminder = traces.filtered(lambda t: t.activity_id.trigger_type == "mail_not_open")
            self.assertEqual(reminder.state, "canceled", "the prospect reacted: no reminder")
        elif key == "schedule_calls":
            self.assertEqual(record.activity_ids.user_id, self.salesman)
            self.assertEqual(len(processed), 1)
        elif key == "hot_leads":
            self.assertEqual(record.priority, "3")
        mails = self._queued_mails(campaign)
        self.assertEqual(len(mails), len(processed.filtered(lambda t: t.activity_type == "email")))

    def test_a_campaign_user_test_runs_a_template(self):
        template = self.env.ref("marketing_automation_ext.marketing_automation_template_tag_hot")
        action = template.with_user(self.ma_user).action_create_campaign()
        campaign = self.env["marketing.automation.campaign"].browse(action["res_id"])
        record = self.records["tag_hot"]
        with self.mock_mail_gateway():
            participant = self._test_run(campaign.with_user(self.ma_user), record, "mail_click")
        self.assertFalse(
            participant.trace_ids.filtered(lambda t: t.state in ("error", "scheduled")),
            participant.trace_ids.mapped("state_msg"),
        )
        self.assertIn("Hot", record.category_id.mapped("name"))
