from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import CrmPaymentsCase


@tagged("post_install", "-at_install")
class TestMultiCompany(CrmPaymentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Payments Company B"})
        cls.user_b = new_test_user(
            cls.env,
            "cp_user_b",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )

    def test_user_of_company_b_sees_no_payment_of_company_a(self):
        payment_a = self.create_payment()
        self.assertEqual(payment_a.company_id, self.env.company)
        payment_b = self.create_payment(user=self.user_b, user_id=self.user_b.id)
        self.assertEqual(payment_b.company_id, self.company_b)
        Payment = self.env["crm.payment"].with_user(self.user_b)
        self.assertEqual(Payment.search([]), payment_b)
        with self.assertRaises(AccessError):
            payment_a.with_user(self.user_b).read(["amount"])
        self.assertIn(payment_a, self.env["crm.payment"].with_user(self.user).search([]))
        self.assertNotIn(payment_b, self.env["crm.payment"].with_user(self.user).search([]))
        # nor through name search, grouping, or the partner's balance
        self.assertEqual([pid for pid, _name in Payment.name_search(payment_a.name)], [])
        groups = Payment._read_group([], ["company_id"], ["amount:sum"])
        self.assertEqual(
            [(company, amount) for company, amount in groups], [(self.company_b, 100.0)]
        )
        customer_b = self.customer.with_user(self.user_b)
        self.assertEqual(customer_b.crm_payment_count, 1)
        # a user of both companies working in B only sees B's
        both = new_test_user(
            self.env,
            "cp_user_ab",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_user",
            company_id=self.company_b.id,
            company_ids=[(6, 0, (self.company_b | self.env.company).ids)],
        )
        in_b = (
            self.env["crm.payment"]
            .with_user(both)
            .with_context(allowed_company_ids=self.company_b.ids)
        )
        self.assertEqual(in_b.search([]), payment_b)
        in_both = in_b.with_context(allowed_company_ids=(self.company_b | self.env.company).ids)
        self.assertEqual(
            in_both.search([("id", "in", (payment_a | payment_b).ids)]), payment_a | payment_b
        )

    def test_company_consistency(self):
        lead_b = self.env["crm.lead"].create(
            {"name": "B deal", "type": "opportunity", "company_id": self.company_b.id}
        )
        with self.assertRefused(UserError, "Incompatible companies"):
            self.env["crm.payment"].create(
                {"partner_id": self.customer.id, "amount": 10.0, "lead_id": lead_b.id}
            )

    def test_partner_balance_converts_other_company_currencies(self):
        currency_a = self.env.company.currency_id
        currency_b = self.env["res.currency"].search(
            [("id", "!=", currency_a.id), ("active", "in", (True, False))], limit=1
        )
        currency_b.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "in", (currency_a | currency_b).ids)]
        ).unlink()
        self.env["res.currency.rate"].create(
            {"currency_id": currency_b.id, "rate": 2.0, "name": "2000-01-01", "company_id": False}
        )
        self.company_b.currency_id = currency_b
        self.create_payment(amount=100.0).action_confirm()
        payment_b = self.create_payment(user=self.user_b, user_id=self.user_b.id, amount=100.0)
        payment_b.action_confirm()
        self.assertEqual(payment_b.company_currency_id, currency_b)
        customer = self.customer.with_context(
            allowed_company_ids=(self.env.company | self.company_b).ids
        )
        self.assertEqual(customer.crm_payment_currency_id, currency_a)
        self.assertAlmostEqual(customer.crm_payment_balance, 150.0)
