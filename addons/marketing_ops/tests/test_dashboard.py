from datetime import date

from freezegun import freeze_time
from lxml import etree

from odoo.tests import users
from odoo.tools.safe_eval import safe_eval

from .common import MarketingOpsCase


class TestDashboard(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fair = cls.create_operation("Dashboard fair")
        cls.calls = cls.create_step(cls.fair, "Calls")
        cls.mails = cls.create_step(cls.fair, "Mails")
        cls.other = cls.create_operation("Dashboard show")
        cls.visits = cls.create_step(cls.other, "Visits")
        cls.calls._add_targets(cls.acme | cls.globex | cls.solo)
        cls.mails._add_targets(cls.globex)
        cls.visits._add_targets(cls.solo)
        cls.calls.target_ids.filtered(lambda t: t.partner_id == cls.solo).state_id = cls.state_ok

    def pivot_groupbys(self):
        arch = self.env["marketing.operation.target"].get_view(view_type="pivot")["arch"]
        fields = etree.fromstring(arch).xpath("//field")
        return [f.get("name") for f in fields if f.get("type") == "row"], [
            f.get("name") for f in fields if f.get("type") == "col"
        ]

    @users("mo_test_user")
    def test_target_pivot_by_operation_step_and_status(self):
        rows, cols = self.pivot_groupbys()
        self.assertEqual((rows, cols), (["operation_id", "step_id"], ["state_id"]))
        groups = self.env["marketing.operation.target"]._read_group(
            [("operation_id", "in", (self.fair | self.other).ids)], rows + cols, ["__count"]
        )
        self.assertEqual(
            {(op.name, step.name, state.name): count for op, step, state, count in groups},
            {
                ("Dashboard fair", "Calls", "To process"): 2,
                ("Dashboard fair", "Calls", "OK, continue"): 1,
                ("Dashboard fair", "Mails", "To process"): 1,
                ("Dashboard show", "Visits", "To process"): 1,
            },
        )

    @users("mo_test_user")
    def test_kanban_groups_operations_by_state_with_progress_and_roi(self):
        arch = etree.fromstring(
            self.env["marketing.operation"].get_view(view_type="kanban")["arch"]
        )
        self.assertEqual(arch.get("default_group_by"), "state_id")
        names = set(arch.xpath("//field/@name"))
        self.assertTrue({"progress", "actual_roi", "actual_revenue"} <= names)
        groups = self.env["marketing.operation"]._read_group(
            [("id", "in", (self.fair | self.other).ids)], ["state_id"], ["progress:avg", "__count"]
        )
        self.assertEqual(sum(count for _state, _progress, count in groups), 2)

    def test_responses_by_day(self):
        """The targets that responded, counted by the day of their response and operation."""
        responded_again = self.env["marketing.target.state"].create(
            {"name": "Responded twice", "kind": "ok", "is_response": True}
        )

        def target(step, partner):
            return step.target_ids.filtered(lambda t: t.partner_id == partner)

        with freeze_time("2026-06-01 09:00"):
            (
                target(self.calls, self.acme) | target(self.calls, self.globex)
            ).state_id = self.state_responded
            target(self.visits, self.solo).state_id = self.state_responded
        with freeze_time("2026-06-02 16:00"):
            target(self.mails, self.globex).state_id = self.state_responded
            # a second response status keeps the first day; a target taken back loses it
            target(self.calls, self.acme).state_id = responded_again
            target(self.visits, self.solo).state_id = self.state_ok
        with freeze_time("2026-06-04 11:00"):
            target(self.visits, self.solo).state_id = self.state_responded

        action = self.env.ref("marketing_ops.marketing_operation_target_action_responses")
        views = {view.view_mode: view.view_id.id for view in action.view_ids}
        arch = self.env["marketing.operation.target"].get_view(views["pivot"], "pivot")["arch"]
        self.assertIn('name="response_date"', arch)
        groups = (
            self.env["marketing.operation.target"]
            .with_user(self.user)
            ._read_group(
                [*safe_eval(action.domain), ("operation_id", "in", (self.fair | self.other).ids)],
                ["response_date:day", "operation_id", "step_id"],
                ["__count"],
            )
        )
        self.assertEqual(
            {(day.date(), op.name, step.name): count for day, op, step, count in groups},
            {
                (date(2026, 6, 1), "Dashboard fair", "Calls"): 2,
                (date(2026, 6, 2), "Dashboard fair", "Mails"): 1,
                (date(2026, 6, 4), "Dashboard show", "Visits"): 1,
            },
        )
