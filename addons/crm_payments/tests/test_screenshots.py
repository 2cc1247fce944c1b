from datetime import date, timedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from odoo.addons.marketing_ops.tests.screenshots import ScreenshotCase
from odoo.addons.marketing_ops.tests.test_screenshots import TradeShowData


@tagged("-standard", "screenshots", "post_install", "-at_install")
class TestCrmPaymentsScreenshots(ScreenshotCase, TradeShowData):
    """The payments of the trade show's customers, and a sales budget of two salespeople
    against their forecast and actual revenue over the year."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = (
            "crm_payments.crm_payments_group_manager,sales_team.group_sale_manager,"
            "marketing_ops.marketing_ops_group_manager,survey.group_survey_user"
        )
        cls.manager = new_test_user(cls.env, "shots_payments", groups=groups, name="Julie Martin")
        cls.ann, cls.ben = (
            new_test_user(cls.env, login, groups=groups, name=name)
            for login, name in (("shots_pay_ann", "Ann Walker"), ("shots_pay_ben", "Ben Carter"))
        )
        operation = cls.build_trade_show(cls.manager)
        cls.build_payments(operation)
        cls.build_budget()

    @classmethod
    def build_payments(cls, operation):
        today = fields.Date.today()
        Mode = cls.env["crm.payment.mode"]
        transfer, card = Mode.create([{"name": "Bank transfer"}, {"name": "Card"}])
        Category = cls.env["crm.payment.category"]
        down, instalment = Category.create([{"name": "Down payment"}, {"name": "Instalment"}])
        Payment = cls.env["crm.payment"].with_user(cls.manager)
        # (partner index, amount, cost, due in days, state, salesperson, mode, category)
        rows = [
            (0, 4800.0, 48.0, -40, "paid", cls.ann, transfer, down),
            (0, 2400.0, 24.0, -10, "overdue", cls.ann, transfer, instalment),
            (0, 2400.0, 24.0, 20, "due", cls.ann, transfer, instalment),
            (1, 1500.0, 15.0, -25, "paid", cls.ben, card, down),
            (2, 3600.0, 36.0, -5, "overdue", cls.ben, transfer, down),
            (3, 950.0, 0.0, 12, "due", cls.ann, card, False),
            (4, 6200.0, 62.0, 30, "due", cls.ben, transfer, down),
            (5, 1200.0, 12.0, 45, "draft", cls.ben, False, False),
        ]
        cls.payments = Payment.browse()
        for index, amount, cost, days, state, user, mode, category in rows:
            payment = Payment.create(
                {
                    "partner_id": cls.prospects[index].id,
                    "amount": amount,
                    "cost": cost,
                    "date_due": today + timedelta(days=days),
                    "operation_id": operation.id,
                    "user_id": user.id,
                    "mode_id": mode and mode.id,
                    "category_id": category and category.id,
                }
            )
            if state != "draft":
                payment.action_confirm()
            if state == "paid":
                payment.date_paid = today + timedelta(days=days + 2)
                payment.action_mark_paid()
            cls.payments |= payment
        supplier = cls.env["res.partner"].create(
            {"name": "Paris Expo Services", "is_company": True}
        )
        booth = Payment.create(
            {
                "direction": "payment",
                "partner_id": supplier.id,
                "amount": 3200.0,
                "date_due": today - timedelta(days=30),
                "operation_id": operation.id,
                "user_id": cls.manager.id,
                "mode_id": transfer.id,
            }
        )
        booth.action_confirm()
        booth.date_paid = today - timedelta(days=31)
        booth.action_mark_paid()
        cls.payments |= booth

    @classmethod
    def build_budget(cls):
        year = fields.Date.today().year
        cls.env["crm.sales.budget"].create(
            [
                {
                    "user_id": user.id,
                    "period_kind": "quarter",
                    "year": year,
                    "period_number": quarter,
                    "amount": amount,
                }
                for user, amounts in (
                    (cls.ann, (30000, 35000, 30000, 40000)),
                    (cls.ben, (25000, 25000, 30000, 35000)),
                )
                for quarter, amount in enumerate(amounts, start=1)
            ]
        )
        won = cls.env["crm.stage"].create({"name": "Won (shots)", "is_won": True, "sequence": 90})
        Lead = cls.env["crm.lead"]
        leads = []
        # (salesperson, month, expected revenue, probability or "won")
        for user, month, revenue, outcome in (
            (cls.ann, 2, 18000, "won"), (cls.ann, 5, 26000, "won"), (cls.ann, 8, 21000, "won"),
            (cls.ann, 11, 30000, 60), (cls.ann, 12, 16000, 40),
            (cls.ben, 3, 22000, "won"), (cls.ben, 6, 14000, "won"), (cls.ben, 9, 31000, "won"),
            (cls.ben, 11, 20000, 70), (cls.ben, 12, 24000, 30),
        ):  # fmt: skip
            day = date(year, month, 15)
            leads.append(
                {
                    "name": f"Office fitting {user.name.split()[0]} {month:02d}",
                    "type": "opportunity",
                    "user_id": user.id,
                    "partner_id": cls.prospects[month % len(cls.prospects)].id,
                    "expected_revenue": revenue,
                    "date_deadline": day,
                    **({"probability": outcome} if outcome != "won" else {}),
                }
            )
        records = Lead.create(leads)
        for record, values in zip(records, leads, strict=True):
            if "probability" not in values:
                record.stage_id = won
                record.date_closed = fields.Datetime.to_datetime(record.date_deadline)

    def test_payments(self):
        self.screenshot(
            "payments",
            "/odoo/action-crm_payments.crm_payment_action",
            ".o_list_view .o_data_row",
            login="shots_payments",
        )

    def test_budget_analysis(self):
        self.screenshot(
            "budget_analysis",
            "/odoo/action-crm_payments.crm_sales_budget_report_action",
            ".o_pivot table tbody tr",
            login="shots_payments",
        )
