from odoo.exceptions import ValidationError
from odoo.tests import users

from .common import MarketingOpsCase, assert_same_queries


class TestOperationFigures(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.plan = cls.env["account.analytic.plan"].create({"name": "Marketing costs"})
        cls.won_stage = cls.env["crm.stage"].create(
            {"name": "Won (test)", "is_won": True, "sequence": 99}
        )
        cls.open_stage = cls.env["crm.stage"].create({"name": "Open (test)", "sequence": 1})

    @classmethod
    def create_account(cls, name="Trade show costs"):
        return cls.env["account.analytic.account"].create({"name": name, "plan_id": cls.plan.id})

    @classmethod
    def add_cost(cls, account, amount):
        return cls.env["account.analytic.line"].create(
            {"name": "Cost", "auto_account_id": account.id, "amount": amount}
        )

    @classmethod
    def add_opportunity(cls, operation, revenue, won=True):
        return cls.env["crm.lead"].create(
            {
                "name": f"Deal {revenue}",
                "type": "opportunity",
                "expected_revenue": revenue,
                "campaign_id": operation.utm_campaign_id.id,
                "stage_id": (cls.won_stage if won else cls.open_stage).id,
            }
        )

    def test_cost_revenue_and_roi(self):
        account = self.create_account()
        operation = self.create_operation(
            analytic_account_id=account.id, extra_cost=200.0, budget=1000.0, expected_revenue=2500.0
        )
        self.add_cost(account, -500.0)
        self.add_cost(account, -300.0)
        self.add_cost(account, 150.0)  # an income line is not a cost
        self.add_opportunity(operation, 3000.0)
        self.add_opportunity(operation, 1000.0)
        self.add_opportunity(operation, 9999.0, won=False)
        self.add_opportunity(self.create_operation("Other"), 7777.0)

        operation.invalidate_recordset()
        self.assertAlmostEqual(operation.analytic_cost, 800.0)
        self.assertAlmostEqual(operation.actual_cost, 1000.0)
        self.assertAlmostEqual(operation.actual_revenue, 4000.0)
        self.assertEqual(operation.sales_count, 2)
        self.assertAlmostEqual(operation.actual_roi, 3.0)  # (4000 - 1000) / 1000
        self.assertAlmostEqual(operation.expected_roi, 1.5)  # (2500 - 1000) / 1000
        self.assertEqual(operation.opportunity_count, 3)
        self.assertEqual(operation.analytic_line_count, 3)

    def test_cost_on_a_sub_plan_account(self):
        sub_plan = self.env["account.analytic.plan"].create(
            {"name": "Events", "parent_id": self.plan.id}
        )
        account = self.env["account.analytic.account"].create(
            {"name": "Booth", "plan_id": sub_plan.id}
        )
        operation = self.create_operation(analytic_account_id=account.id)
        self.add_cost(account, -120.0)
        operation.invalidate_recordset()
        self.assertAlmostEqual(operation.actual_cost, 120.0)

    def test_zero_cost_gives_empty_roi(self):
        operation = self.create_operation()
        self.add_opportunity(operation, 500.0)
        operation.invalidate_recordset()
        self.assertEqual(operation.actual_cost, 0.0)
        self.assertAlmostEqual(operation.actual_revenue, 500.0)
        self.assertFalse(operation.actual_roi)
        self.assertFalse(operation.expected_roi)

    def test_response_count_counts_distinct_responding_partners(self):
        operation = self.create_operation()
        email = self.create_step(operation, "Email")
        call = self.create_step(operation, "Call")
        email._add_targets(self.acme | self.globex | self.solo)
        call._add_targets(self.acme)
        # launching a step processes its targets: none of them responded yet
        email.action_launch()
        operation.invalidate_recordset()
        self.assertEqual(set(email.target_ids.state_id.mapped("kind")), {"ok"})
        self.assertEqual(operation.response_count, 0)
        email.target_ids.filtered(
            lambda t: t.partner_id in (self.acme | self.globex)
        ).state_id = self.state_responded
        email.target_ids.filtered(lambda t: t.partner_id == self.solo).state_id = self.state_skipped
        call.target_ids.state_id = self.state_responded
        operation.invalidate_recordset()
        self.assertEqual(operation.response_count, 2)

    @users("mo_test_user")
    def test_figures_of_many_operations_cost_constant_queries(self):
        def create_operations(count):
            operations = (
                self.env["marketing.operation"]
                .sudo()
                .create(
                    [
                        {
                            "name": f"Op {i}",
                            "analytic_account_id": self.create_account(f"Account {count}-{i}").id,
                        }
                        for i in range(count)
                    ]
                )
            )
            for operation in operations:
                self.add_cost(operation.analytic_account_id, -10.0)
                self.add_opportunity(operation, 100.0)
            return operations.with_user(self.env.user)

        def read_figures(operations):
            values = operations.read(
                [
                    "actual_cost",
                    "actual_revenue",
                    "actual_roi",
                    "sales_count",
                    "response_count",
                    "lead_count",
                    "target_count",
                    "progress",
                ]
            )
            self.assertEqual({v["actual_roi"] for v in values}, {9.0})

        # the first reading warms the caches of access rights and rules
        warm, few, many = create_operations(2), create_operations(5), create_operations(50)
        assert_same_queries(self, read_figures, few, many, warm=warm)
        operations = self.env["marketing.operation"].search([("name", "=like", "Op %")], limit=50)
        self.env.invalidate_all()
        with self.assertQueryCount(mo_test_user=19):
            operations.read(
                [
                    "actual_cost",
                    "actual_revenue",
                    "actual_roi",
                    "sales_count",
                    "response_count",
                    "lead_count",
                    "target_count",
                    "progress",
                ]
            )

    @users("mo_test_user")
    def test_amounts_not_finite(self):
        """NaN and infinities are refused with a message, not a crash; nothing is written."""
        operation = self.create_operation("Zeta Figures").with_env(self.env)
        for value in (float("nan"), float("inf"), float("-inf"), "nan"):
            for field in ("budget", "expected_revenue", "extra_cost"):
                with self.assertRaisesRegex(ValidationError, "must be a finite number"):
                    operation.write({field: value})
                with self.assertRaisesRegex(ValidationError, "must be a finite number"):
                    self.env["marketing.operation"].create({"name": "Zeta NaN", field: value})
        operation.invalidate_recordset()
        self.assertEqual((operation.budget, operation.extra_cost), (0.0, 0.0))
        self.assertFalse(self.env["marketing.operation"].search([("name", "=", "Zeta NaN")]))
