from odoo.exceptions import UserError, ValidationError

from .common import MarketingOpsCase


class TestOperationTree(MarketingOpsCase):
    def test_categories_nest_to_any_depth(self):
        Category = self.env["marketing.operation.category"]
        parent = Category.create({"name": "Trade shows"})
        categories = parent
        for depth in range(1, 8):
            categories |= Category.create(
                {"name": f"Level {depth}", "parent_id": categories[-1].id}
            )
        deepest = categories[-1]
        self.assertEqual(
            deepest.complete_name, "Trade shows / " + " / ".join(f"Level {d}" for d in range(1, 8))
        )
        operation = self.create_operation(category_id=deepest.id)
        self.assertEqual(parent.operation_count, 1)
        self.assertIn(
            operation,
            self.env["marketing.operation"].search([("category_id", "child_of", parent.id)]),
        )

    def test_category_cycle_refused(self):
        Category = self.env["marketing.operation.category"]
        top = Category.create({"name": "Top"})
        child = Category.create({"name": "Child", "parent_id": top.id})
        with self.assertRaisesRegex(UserError, "Recursion"):
            top.parent_id = child

    def test_steps_nest_to_any_depth_in_tree_order(self):
        operation = self.create_operation()
        group = self.create_step(operation, "Phase 1", final=False, sequence=20)
        sub = self.create_step(operation, "Phase 1.1", parent=group, final=False, sequence=5)
        leaf = self.create_step(operation, "Call", parent=sub, sequence=1)
        first = self.create_step(operation, "Announce", sequence=10)
        late = self.create_step(operation, "Phase 1 bis", parent=group, sequence=1)
        operation.invalidate_recordset(["step_ids"])
        self.assertEqual(leaf.depth, 2)
        self.assertEqual(leaf.complete_name, "Phase 1 / Phase 1.1 / Call")
        self.assertEqual(
            operation.step_ids.mapped("name"),
            ["Announce", "Phase 1", "Phase 1 bis", "Phase 1.1", "Call"],
        )
        self.assertEqual(first.depth, 0)
        # moving a group moves its sub-steps with it
        group.sequence = 1
        operation.invalidate_recordset(["step_ids"])
        self.assertEqual(
            operation.step_ids.mapped("name"),
            ["Phase 1", "Phase 1 bis", "Phase 1.1", "Call", "Announce"],
        )
        self.assertTrue(late.sort_key.startswith(group.sort_key + "/"))

    def test_final_step_cannot_have_children(self):
        operation = self.create_operation()
        final = self.create_step(operation, "Email")
        with self.assertRaisesRegex(ValidationError, "final"):
            self.create_step(operation, "Child", parent=final)
        group = self.create_step(operation, "Group", final=False)
        self.create_step(operation, "Leaf", parent=group)
        with self.assertRaisesRegex(ValidationError, "cannot be final"):
            group.write({"is_final": True, "step_type_id": self.type_other.id})

    def test_step_cycle_refused(self):
        operation = self.create_operation()
        top = self.create_step(operation, "Top", final=False)
        middle = self.create_step(operation, "Middle", parent=top, final=False)
        with self.assertRaisesRegex(UserError, "Recursion"):
            top.parent_id = middle

    def test_step_parent_of_other_operation_refused(self):
        group = self.create_step(self.create_operation("A"), "Group", final=False)
        with self.assertRaisesRegex(ValidationError, "different operations"):
            self.create_step(self.create_operation("B"), "Leaf", parent=group)

    def test_step_type_requirements(self):
        survey_type = self.env["marketing.step.type"].create(
            {
                "name": "Survey call",
                "kind": "other",
                "survey_requirement": "mandatory",
                "date_requirement": "mandatory",
            }
        )
        operation = self.create_operation()
        with self.assertRaisesRegex(ValidationError, "requires: Planned Date, Questionnaire"):
            self.create_step(operation, "Call", step_type_id=survey_type.id)
        with self.assertRaisesRegex(ValidationError, "needs a type"):
            self.create_step(operation, "Untyped", step_type_id=False)
        with self.assertRaisesRegex(ValidationError, "questionnaire mandatory"):
            self.env["marketing.step.type"].create(
                {"name": "Calls", "kind": "phoning", "survey_requirement": "optional"}
            )

    def test_copy_keeps_step_tree(self):
        operation = self.create_operation("Original")
        group = self.create_step(operation, "Group", final=False)
        self.create_step(operation, "Leaf A", parent=group, sequence=1)
        self.create_step(operation, "Leaf B", parent=group, sequence=2)
        self.create_step(operation, "Alone")
        copy = operation.copy()
        self.assertEqual(copy.name, "Original (copy)")
        self.assertNotEqual(copy.utm_campaign_id, operation.utm_campaign_id)
        self.assertEqual(
            copy.step_ids.mapped("complete_name"), operation.step_ids.mapped("complete_name")
        )
        copied_group = copy.step_ids.filtered(lambda s: s.name == "Group")
        self.assertEqual(copied_group.child_ids.mapped("name"), ["Leaf A", "Leaf B"])
        self.assertFalse(copy.step_ids & operation.step_ids)

    def test_operation_owns_a_utm_campaign(self):
        operations = self.env["marketing.operation"].create(
            [{"name": "Spring"}, {"name": "Autumn"}]
        )
        self.assertEqual(operations.utm_campaign_id.mapped("name"), ["Spring", "Autumn"])
        campaign = self.env["utm.campaign"].create({"name": "Existing"})
        operation = self.create_operation(utm_campaign_id=campaign.id)
        self.assertEqual(operation.utm_campaign_id, campaign)
