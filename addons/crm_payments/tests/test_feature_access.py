"""What each group of crm_payments may do, feature by feature, as a table: a user of the group
(a salesperson of the CRM, where payments and instalments live, and nothing else) runs the
feature through the actions the screens call, and gets it done, or is refused on that action
with a message that names the group which may."""

from odoo.tests import tagged

from odoo.addons.marketing_ops.tests.feature_table import OK, FeatureTableMixin, refused

from .common import CrmPaymentsCase

SALES = "sales_team.group_sale_salesman"
GROUPS = {
    "user": f"{SALES},crm_payments.crm_payments_group_user",
    "manager": f"{SALES},crm_payments.crm_payments_group_manager",
}
ANYONE = {"user": OK, "manager": OK}
MANAGERS = {"user": refused("crm_payments.crm_payments_group_manager"), "manager": OK}

# feature -> group -> what a user of the group gets
TABLE = {
    "record a payment": ANYONE,
    "confirm a payment": ANYONE,
    "mark a payment paid": ANYONE,
    "cancel and reset a payment": ANYONE,
    "delete a draft payment": ANYONE,
    "plan instalments": ANYONE,
    "payments of an opportunity": ANYONE,
    "payments of a partner": ANYONE,
    "configure payment modes": MANAGERS,
    "configure payment categories": MANAGERS,
    "plan the sales budget": MANAGERS,
    "sales budget analysis": MANAGERS,
}


@tagged("post_install", "-at_install")
class TestFeatureAccess(FeatureTableMixin, CrmPaymentsCase):
    GROUPS, TABLE, LOGIN_PREFIX = GROUPS, TABLE, "cp_feature"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_members()
        # each member's own opportunity: a salesperson works on the opportunities assigned
        cls.leads = {
            key: cls.env["crm.lead"].create(
                {
                    "name": f"Shelving for {key}",
                    "type": "opportunity",
                    "partner_id": cls.customer.id,
                    "expected_revenue": 900.0,
                    "user_id": member.id,
                }
            )
            for key, member in cls.members.items()
        }

    # ---- the features, run in the environment of the user ------------------------------------

    def payment(self, **values):
        return self.env["crm.payment"].create(
            {
                "partner_id": self.customer.id,
                "amount": 100.0,
                "date_due": self.days(10),
                **values,
            }
        )

    def feature_record_a_payment(self):
        payment = self.payment()
        self.assertEqual(payment.user_id, self.env.user)
        self.assertTrue(payment.name.startswith("PAY/"))

    def feature_confirm_a_payment(self):
        payment = self.payment()
        payment.action_confirm()
        self.assertEqual(payment.state, "due")

    def feature_mark_a_payment_paid(self):
        payment = self.payment()
        payment.action_confirm()
        payment.action_mark_paid()
        self.assertEqual((payment.state, payment.date_paid), ("paid", self.today))

    def feature_cancel_and_reset_a_payment(self):
        payment = self.payment()
        payment.action_cancel()
        payment.action_reset_to_draft()
        self.assertEqual(payment.state, "draft")

    def feature_delete_a_draft_payment(self):
        payment = self.payment()
        payment.unlink()
        self.assertFalse(payment.exists())

    def feature_plan_instalments(self):
        lead = self.leads[self.member_key].with_env(self.env)
        action = lead.action_open_instalments()
        wizard = (
            self.env[action["res_model"]]
            .with_context(action["context"])
            .create({"count": 3, "date_first": self.days(30)})
        )
        action = wizard.action_create_payments()
        payments = self.env["crm.payment"].search(action["domain"])
        self.assertEqual(len(payments), 3)
        self.assertEqual(sum(payments.mapped("amount")), 900.0)
        self.assertEqual(lead.payment_balance, 900.0)

    def feature_payments_of_an_opportunity(self):
        lead = self.leads[self.member_key].with_env(self.env)
        self.payment(lead_id=lead.id)
        action = lead.action_view_payments()
        self.assertEqual(self.env["crm.payment"].search_count(action["domain"]), 1)
        self.assertEqual(lead.payment_count, 1)

    def feature_payments_of_a_partner(self):
        self.payment()
        customer = self.customer.with_env(self.env)
        action = customer.action_view_crm_payments()
        self.assertGreaterEqual(self.env["crm.payment"].search_count(action["domain"]), 1)
        self.assertGreaterEqual(customer.crm_payment_count, 1)

    def feature_configure_payment_modes(self):
        self.env["crm.payment.mode"].create({"name": "Feature cheque"})

    def feature_configure_payment_categories(self):
        self.env["crm.payment.category"].create({"name": "Feature deposit"})

    def feature_plan_the_sales_budget(self):
        budget = self.env["crm.sales.budget"].create(
            {"user_id": self.env.uid, "year": 2031, "period_number": 2, "amount": 3000.0}
        )
        budget.write({"amount": 3500.0})

    def feature_sales_budget_analysis(self):
        Report = self.env["crm.sales.budget.report"]
        Report.search_read([], ["date"])
        Report._read_group([], ["user_id"], ["__count"])

    def test_every_feature_has_a_runner(self):
        for feature in TABLE:
            with self.subTest(feature=feature):
                self.assertTrue(hasattr(self, "feature_" + feature.replace(" ", "_")))

    def test_refusal_in_the_language_of_the_user(self):
        """A French payments user is refused the budget in French, the group that may named in
        French."""
        self.assertRefusedInLanguage(
            "plan the sales budget", "user", "fr_FR", ("base", "crm_payments")
        )
