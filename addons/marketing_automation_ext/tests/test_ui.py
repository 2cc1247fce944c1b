from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMarketingAutomationUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "ma_tour_user",
            groups="marketing_automation_ext.marketing_automation_ext_group_user",
            password="ma_tour_user",
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Tour Contact", "email": "tour.contact@test.example.com"}
        )

    def test_template_campaign_test_run(self):
        self.env["marketing.automation.campaign"].search([]).write({"active": False})
        self.start_tour("/odoo", "marketing_automation_template_tour", login="ma_tour_user")
        campaign = self.env["marketing.automation.campaign"].search(
            [("create_uid", "=", self.user.id)]
        )
        self.assertEqual(campaign.name, "Tag hot contacts")
        participant = campaign.participant_ids
        self.assertTrue(participant.is_test)
        self.assertEqual(participant.res_id, self.contact.id)
        welcome = campaign.activity_ids.filtered(lambda a: a.trigger_type == "begin")
        self.assertEqual(
            participant.trace_ids.filtered(lambda t: t.activity_id == welcome).state, "processed"
        )
        mail = self.env["mail.mail"].search([("mailing_id", "=", welcome.mailing_id.id)])
        self.assertEqual(mail.email_to, "tour.contact@test.example.com")

    def test_template_cards_on_empty_campaigns_screen(self):
        self.env["marketing.automation.campaign"].search([]).write({"active": False})
        self.start_tour("/odoo", "marketing_automation_template_cards_tour", login="ma_tour_user")
        campaign = self.env["marketing.automation.campaign"].search([])
        self.assertEqual(campaign.mapped("name"), ["Welcome flow"])
        self.assertEqual(campaign.create_uid, self.user)
        self.assertEqual(len(campaign.activity_ids), 2)
