"""Every wizard of crm_payments given the numbers users get wrong: NaN, infinity, negative,
zero, huge, dates at the end of the calendar. Each is refused with a clear message and no
payment written, or planned as asked.

``WIZARDS`` lists every wizard of the addon with what is swept of it: a wizard without a row
fails ``test_every_wizard_is_swept``, so that the next one is swept too."""

from datetime import date

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CrmPaymentsCase

WIZARDS = {
    "crm.lead.instalment": "amount, count, interval, first date: test_instalment_numbers",
    "crm.lead.instalment.line": "amounts and dates of given instalments: test_given_amounts",
}

NAN, INF = float("nan"), float("inf")
# values of the wizard -> (when it is refused: "create" or "plan"; pattern of the message), or
# the number of payments planned
INSTALMENT_CASES = {
    "nan amount": ({"amount": NAN}, ("create", "must be a number, not nan")),
    "infinite amount": ({"amount": INF}, ("create", "must be a number, not inf")),
    "minus infinite amount": ({"amount": -INF}, ("create", "must be a number, not -inf")),
    "negative amount": ({"amount": -100.0}, ("plan", "must be positive")),
    "zero amount": ({"amount": 0.0}, ("plan", "must be positive")),
    "amount below a cent": ({"amount": 1e-9}, ("plan", "must be positive")),
    "huge amount": ({"amount": 1e300}, ("plan", "too large to be counted exactly")),
    "no instalment": ({"count": 0}, ("plan", "at least one instalment")),
    "negative count": ({"count": -3}, ("plan", "at least one instalment")),
    "a million instalments": ({"count": 10**6}, ("create", "at most 360 instalments")),
    "count beyond 32 bits": ({"count": 2**40}, ("create", "at most 360 instalments")),
    "zero interval": ({"interval": 0}, ("plan", "must be at least 1")),
    "negative interval": ({"interval": -2}, ("plan", "must be at least 1")),
    "interval beyond 32 bits": ({"interval": 2**40}, ("create", "at most 1200 months")),
    "huge interval in days": (
        {"interval": 10**6, "interval_unit": "days"},
        ("create", "at most 36500 days"),
    ),
    "past the year 9999": (
        {"count": 100, "interval": 1200},
        ("plan", "beyond the year 9999"),
    ),
    "starting at the end of the calendar": (
        {"count": 3, "date_first": date(9999, 12, 1)},
        ("plan", "beyond the year 9999"),
    ),
    "twelve monthly instalments": ({"count": 12}, 12),
    "the most instalments": ({"count": 360, "interval": 1, "interval_unit": "days"}, 360),
}

# amounts of given instalments of a total of 1000 -> pattern of the refusal, or None
GIVEN_CASES = {
    (NAN, 500.0, 500.0): "must be a number",
    (INF, -INF, 1000.0): "must be a number",
    (-500.0, 1500.0): "cannot be negative",
    (1e300, 1000.0): "add up to",
    (999.99, 0.004): "add up to",
    (250.0, 250.0, 500.0): None,
}


@tagged("post_install", "-at_install")
class TestInputSweep(CrmPaymentsCase):
    def test_every_wizard_is_swept(self):
        wizards = {
            name
            for name, model in self.env.registry.items()
            if model._transient and model._original_module == "crm_payments"
        }
        self.assertEqual(wizards, set(WIZARDS), "sweep the inputs of the new wizards")

    def lead_payments(self):
        return self.env["crm.payment"].search([("lead_id", "=", self.lead.id)], order="date_due")

    def test_instalment_numbers(self):
        Instalment = self.env["crm.lead.instalment"].with_user(self.user)
        for name, (values, expected) in INSTALMENT_CASES.items():
            with self.subTest(case=name):
                vals = {"lead_id": self.lead.id, "amount": 1000.0, **values}
                vals.setdefault("date_first", self.days(1))
                if isinstance(expected, int):
                    wizard = Instalment.create(vals)
                    action = wizard.action_create_payments()
                    payments = self.env["crm.payment"].search(action["domain"])
                    self.assertEqual(len(payments), expected)
                    self.assertAlmostEqual(sum(payments.mapped("amount")), 1000.0, places=2)
                    continue
                stage, pattern = expected
                with self.assertRaisesRegex((UserError, ValidationError), pattern):
                    if stage == "create":
                        Instalment.create(vals)
                    else:
                        Instalment.create(vals).action_create_payments()
                if stage == "create" and pattern:
                    with self.assertRaisesRegex(UserError, pattern):
                        Instalment.create({"lead_id": self.lead.id}).write(values)
                self.assertFalse(self.lead_payments())

    def test_given_amounts(self):
        Instalment = self.env["crm.lead.instalment"].with_user(self.user)
        for amounts, refusal in GIVEN_CASES.items():
            with self.subTest(amounts=amounts):
                vals = {
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
                if refusal:
                    # refused when typed (no number) or when planned (amounts that do not fit)
                    with self.assertRaisesRegex(UserError, refusal):
                        Instalment.create(vals).action_create_payments()
                    self.assertFalse(self.lead_payments())
                else:
                    Instalment.create(vals).action_create_payments()
                    self.assertEqual(self.lead_payments().mapped("amount"), list(amounts))
