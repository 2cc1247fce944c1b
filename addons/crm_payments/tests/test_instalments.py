from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import CrmPaymentsCase


@tagged("post_install", "-at_install")
class TestInstalments(CrmPaymentsCase):
    def schedule(self, amount, count, first, interval=1, unit="months"):
        return self.env["crm.lead.instalment"]._get_schedule(
            amount, count, first, interval, unit, self.currency
        )

    def test_equal_amounts_rounding(self):
        amounts = [amount for _date, amount in self.schedule(1000.0, 3, self.today)]
        self.assertEqual(amounts, [333.33, 333.33, 333.34])
        amounts = [amount for _date, amount in self.schedule(2000.0, 3, self.today)]
        self.assertEqual(amounts, [666.67, 666.67, 666.66])
        self.assertAlmostEqual(sum(amounts), 2000.0, places=6)

    def test_month_steps_from_the_31st(self):
        dates = [due for due, _amount in self.schedule(400.0, 4, date(2025, 1, 31))]
        self.assertEqual(
            dates, [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31), date(2025, 4, 30)]
        )
        dates = [due for due, _amount in self.schedule(200.0, 2, date(2024, 1, 31))]
        self.assertEqual(dates[1], date(2024, 2, 29))
        dates = [due for due, _amount in self.schedule(300.0, 3, date(2025, 1, 10), 15, "days")]
        self.assertEqual(dates, [date(2025, 1, 10), date(2025, 1, 25), date(2025, 2, 9)])

    def test_wizard_equal_amounts(self):
        first = date(self.today.year + 1, 1, 31)
        action = self.lead.with_user(self.user).action_open_instalments()
        form = Form(
            self.env[action["res_model"]].with_user(self.user).with_context(action["context"])
        )
        self.assertEqual(form.amount, 1000.0)
        form.count = 4
        form.date_first = first
        form.count = 3
        self.assertEqual(len(form.line_ids), 3)
        wizard = form.save()
        action = wizard.action_create_payments()
        payments = self.env["crm.payment"].search(action["domain"], order="date_due")
        self.assertEqual(payments.mapped("amount"), [333.33, 333.33, 333.34])
        self.assertEqual(
            payments.mapped("date_due"),
            [first, date(first.year, 2, 28 if first.year % 4 else 29), date(first.year, 3, 31)],
        )
        self.assertEqual(set(payments.mapped("state")), {"due"})
        self.assertEqual(payments.lead_id, self.lead)
        self.assertEqual(payments.partner_id, self.customer)
        self.assertEqual(self.lead.payment_count, 3)
        self.assertEqual(self.lead.payment_balance, 1000.0)

    def given_wizard(self, amounts):
        return (
            self.env["crm.lead.instalment"]
            .with_user(self.user)
            .create(
                {
                    "lead_id": self.lead.id,
                    "amount": 1000.0,
                    "split": "given",
                    "count": len(amounts),
                    "date_first": self.days(1),
                    "line_ids": [
                        Command.create(
                            {"sequence": index, "date_due": self.days(index), "amount": amount}
                        )
                        for index, amount in enumerate(amounts, start=1)
                    ],
                }
            )
        )

    def test_wizard_given_amounts(self):
        wizard = self.given_wizard([200.0, 300.0, 500.0])
        action = wizard.action_create_payments()
        payments = self.env["crm.payment"].search(action["domain"], order="date_due")
        self.assertEqual(payments.mapped("amount"), [200.0, 300.0, 500.0])

    def test_wizard_given_amounts_must_add_up(self):
        wizard = self.given_wizard([200.0, 300.0, 400.0])
        with self.assertRefused(UserError, "the instalments add up to .*900.00.*1,000.00"):
            wizard.action_create_payments()
        self.assertFalse(self.env["crm.payment"].search([("lead_id", "=", self.lead.id)]))

    def test_wizard_refuses_leads(self):
        lead = self.env["crm.lead"].create({"name": "Just a lead", "type": "lead"})
        with self.assertRefused(UserError, "Convert Just a lead into an opportunity"):
            lead.action_open_instalments()
