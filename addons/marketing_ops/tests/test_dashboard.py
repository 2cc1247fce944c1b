from lxml import etree

from odoo.tests import users

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
