import logging

from odoo.tests import HttpCase, new_test_user, tagged


class LeadsRefused(logging.Filter):
    """Drop the refusals to read leads, and those only."""

    def filter(self, record):
        return "(crm.lead) records" not in record.getMessage()


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


@tagged("post_install", "-at_install")
class TestRecordDateTour(HttpCase):
    """Use case 1 in the browser: an automation manager (and Employee, nothing else) adds the
    discount email to a campaign on leads, the delay counting from the lead's Created on."""

    def test_manager_picks_the_record_date_in_the_activity_form(self):
        manager = new_test_user(
            self.env,
            "ma_tour_manager",
            groups="base.group_user,marketing_automation_ext.marketing_automation_ext_group_manager",
            email="ma.tour.manager@test.example.com",
            password="ma_tour_manager",
        )
        campaign = (
            self.env["marketing.automation.campaign"]
            .with_user(manager)
            .create(
                {
                    "name": "Discount for leads left unqualified",
                    "model_id": self.env["ir.model"].with_user(manager)._get_id("crm.lead"),
                }
            )
        )
        action = "marketing_automation_ext.marketing_automation_campaign_action"
        # the manager has no Sales right: the filter's field counts the leads it matches, and
        # the server refuses that count (logged; the field shows no count), as it should
        http_logger = logging.getLogger("odoo.http")
        refused = LeadsRefused()
        http_logger.addFilter(refused)
        try:
            self.start_tour(
                f"/odoo/action-{action}/{campaign.id}",
                "marketing_automation_record_date_tour",
                login="ma_tour_manager",
            )
        finally:
            http_logger.removeFilter(refused)
        discount = campaign.activity_ids
        self.assertEqual(discount.name, "Discount")
        self.assertEqual(discount.create_uid, manager)
        self.assertEqual(
            discount.anchor_field_id, self.env["ir.model.fields"]._get("crm.lead", "create_date")
        )
        self.assertEqual((discount.interval_number, discount.interval_type), (2, "months"))
        self.assertEqual(discount.schedule_summary, "2 months after the record's Created on")
        self.assertTrue(discount.mailing_id.email_from)
