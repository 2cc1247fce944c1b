from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import CrmPaymentsCase


@tagged("post_install", "-at_install")
class TestSalesBudget(CrmPaymentsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "cp_budget_manager",
            groups="sales_team.group_sale_salesman,crm_payments.crm_payments_group_manager",
        )
        cls.seller = new_test_user(cls.env, "cp_seller", groups="sales_team.group_sale_salesman")
        cls.team = cls.env["crm.team"].create({"name": "Budget team"})
        cls.month_start = cls.today.replace(day=1)
        cls.month_end = cls.month_start + relativedelta(months=1, days=-1)
        cls.won_stage = cls.env["crm.stage"].create({"name": "Won (budget)", "is_won": True})
        cls.open_stage = cls.env["crm.stage"].create({"name": "Proposal (budget)"})

    def budget(self, **values):
        vals = {"user_id": self.seller.id, "team_id": self.team.id, "amount": 10000.0}
        vals.update(values)
        return self.env["crm.sales.budget"].with_user(self.manager).create(vals)

    def opportunity(self, revenue, probability, **values):
        vals = {
            "name": f"Deal {revenue}",
            "type": "opportunity",
            "user_id": self.seller.id,
            "team_id": self.team.id,
            "expected_revenue": revenue,
            "probability": probability,
            "stage_id": self.open_stage.id,
            "date_deadline": self.today,
        }
        vals.update(values)
        return self.env["crm.lead"].create(vals)

    def test_periods(self):
        month = self.budget(period_kind="month", year=2026, period_number=2)
        self.assertEqual((month.date_from, month.date_to), (date(2026, 2, 1), date(2026, 2, 28)))
        quarter = self.budget(period_kind="quarter", year=2027, period_number=4, user_id=False)
        self.assertEqual(
            (quarter.date_from, quarter.date_to), (date(2027, 10, 1), date(2027, 12, 31))
        )
        year = self.budget(period_kind="year", year=2028, team_id=False)
        self.assertEqual((year.date_from, year.date_to), (date(2028, 1, 1), date(2028, 12, 31)))
        with self.assertRefused(ValidationError, "between 1 and 4"):
            self.budget(period_kind="quarter", year=2029, period_number=5)
        with self.assertRefused(ValidationError, "overlaps another budget line"):
            self.budget(period_kind="year", year=2026)

    def test_report_spreads_budgets_over_months(self):
        self.budget(period_kind="quarter", year=2031, period_number=2, amount=9000.0)
        self.budget(period_kind="year", year=2032, amount=12000.0, user_id=False)
        self.env.flush_all()
        Report = self.env["crm.sales.budget.report"].with_user(self.manager)
        groups = Report.read_group(
            [("team_id", "=", self.team.id), ("date", ">=", date(2031, 1, 1))],
            ["budget:sum"],
            ["date:month"],
        )
        self.assertEqual(
            [(group["date:month"], group["budget"]) for group in groups[:3]],
            [("April 2031", 3000.0), ("May 2031", 3000.0), ("June 2031", 3000.0)],
        )
        self.assertEqual(len(groups), 15)
        self.assertEqual({group["budget"] for group in groups[3:]}, {1000.0})
        [year] = Report.read_group(
            [("team_id", "=", self.team.id), ("date", ">=", date(2032, 1, 1))],
            ["budget:sum"],
            ["date:year"],
        )
        self.assertEqual(year["budget"], 12000.0)

    def test_report_figures(self):
        self.budget(period_kind="month", year=self.today.year, period_number=self.today.month)
        self.opportunity(4000.0, 25.0)
        self.opportunity(2000.0, 50.0)
        self.opportunity(9000.0, 50.0, date_deadline=self.month_end + relativedelta(days=1))
        self.opportunity(5000.0, 10.0, active=False)  # lost
        won = self.opportunity(3000.0, 40.0)
        won.stage_id = self.won_stage
        self.assertEqual(won.date_closed.date(), self.today)
        collected = self.create_payment(amount=500.0, user_id=self.seller.id)
        collected.action_confirm()
        collected.action_mark_paid()
        # the collection of the won opportunity: cash, but already in the won revenue
        on_won = self.create_payment(amount=1200.0, user_id=self.seller.id, lead_id=won.id)
        on_won.action_confirm()
        on_won.action_mark_paid()
        self.create_payment(amount=800.0, user_id=self.seller.id).action_confirm()  # only due
        paid_out = self.create_payment(amount=60.0, user_id=self.seller.id, direction="payment")
        paid_out.action_confirm()
        paid_out.action_mark_paid()
        self.env.flush_all()

        Report = self.env["crm.sales.budget.report"].with_user(self.manager)
        domain = [
            ("user_id", "=", self.seller.id),
            ("date", ">=", self.month_start),
            ("date", "<=", self.month_end),
        ]
        measures = ["budget", "forecast", "won_revenue", "collected", "actual", "variance"]
        [group] = Report.read_group(
            domain, [*[f"{m}:sum" for m in measures], "attainment:sum"], ["user_id"]
        )
        self.assertEqual(
            {m: group[m] for m in measures},
            {
                "budget": 10000.0,
                "forecast": 2000.0,
                "won_revenue": 3000.0,
                "collected": 1700.0,
                "actual": 3500.0,
                "variance": -6500.0,
            },
        )
        self.assertAlmostEqual(group["attainment"], 35.0)
        self.assertNotIn("budget:sum", group)
        [group] = Report.read_group(domain, ["attainment:sum"], ["date:month"])
        self.assertAlmostEqual(group["attainment"], 35.0)
        self.assertNotIn("actual", group, "helper measures stay out of the result")
