from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, new_test_user


class CrmPaymentsCase(TransactionCase):
    """Fixtures for payment tests: a payments user, a customer with a contact, an opportunity."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.currency = cls.env.company.currency_id
        cls.user = new_test_user(
            cls.env,
            "cp_payment_user",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_user",
            email="payment.user@example.com",
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Lumber Yard Inc", "is_company": True, "email": "ap@lumberyard.example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Jane Lumber", "parent_id": cls.customer.id, "email": "jane@example.com"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Warehouse shelving",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "expected_revenue": 1000.0,
                "user_id": cls.user.id,
            }
        )

    @classmethod
    def days(cls, count):
        return cls.today + timedelta(days=count)

    def create_payment(self, user=None, **values):
        """A collection of 100 from the customer, due in ten days, as ``user`` (the payments
        user by default); a value None leaves the field to its default."""
        vals = {
            "partner_id": self.customer.id,
            "amount": 100.0,
            "date_due": self.days(10),
            "user_id": self.user.id,
        }
        vals.update(values)
        vals = {key: value for key, value in vals.items() if value is not None}
        return self.env["crm.payment"].with_user(user or self.user).create(vals)

    def assertPaymentState(self, payments, state):
        payments.invalidate_recordset(["state"])
        self.assertEqual(set(payments.mapped("state")), {state})

    @contextmanager
    def assertRefused(self, exception, pattern):
        """Like assertRaisesRegex, in a savepoint rolled back on the error (as assertRaises)."""
        with self.assertRaises(exception) as context:
            yield context
        self.assertRegex(str(context.exception), pattern)
