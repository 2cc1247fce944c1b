from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCrmPaymentsUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "cp_tour_user",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_user",
            password="cp_tour_user",
        )
        cls.customer = cls.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Tour deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "expected_revenue": 1000.0,
                "user_id": cls.user.id,
            }
        )

    def test_plan_instalments_and_collect(self):
        self.start_tour(
            f"/odoo/action-crm.crm_lead_opportunities/{self.lead.id}",
            "crm_payments_instalment_tour",
            login="cp_tour_user",
        )
        payments = self.lead.payment_ids.sorted("date_due")
        self.assertEqual(payments.mapped("amount"), [250.0] * 4)
        self.assertEqual(payments.create_uid, self.user)
        # the list shows the latest due date first: that is the one the tour opened
        self.assertEqual(payments.mapped("state"), ["due", "due", "due", "paid"])
        self.assertEqual(self.lead.payment_collected, 250.0)
        self.assertEqual(self.lead.payment_balance, 750.0)
