from odoo.exceptions import UserError

from .common import MarketingOpsCase


class TestTemplates(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template = cls.create_operation(
            "Trade show template",
            is_template=True,
            budget=5000.0,
            target_size=300,
            location="Paris",
        )
        phase = cls.create_step(cls.template, "Before the show", final=False, sequence=1)
        cls.create_step(cls.template, "Invitation email", parent=phase, sequence=1)
        cls.create_step(cls.template, "Phone call", parent=phase, sequence=2)
        cls.create_step(cls.template, "Thank-you email", sequence=2)

    def load(self, operation, **values):
        return self.env["marketing.operation.template.load"].create(
            {"operation_id": operation.id, "template_operation_id": self.template.id, **values}
        )

    def test_load_template_copies_the_whole_tree_after_saying_what_is_overwritten(self):
        operation = self.create_operation("ERP Show 2026", budget=1000.0, location="Lyon")
        self.create_step(operation, "Old step")
        wizard = self.load(operation)
        self.assertIn("Budget", wizard.overwritten)
        self.assertIn("Location", wizard.overwritten)
        self.assertNotIn("Target Size", wizard.overwritten)  # empty before: nothing is lost
        self.assertIn(
            "the 1 current steps (0 targets) are deleted and replaced by the 4 steps",
            wizard.overwritten,
        )
        wizard.action_load()
        self.assertEqual(operation.budget, 5000.0)
        self.assertEqual(operation.location, "Paris")
        self.assertEqual(operation.target_size, 300)
        self.assertEqual(
            operation.step_ids.mapped("complete_name"),
            [
                "Before the show",
                "Before the show / Invitation email",
                "Before the show / Phone call",
                "Thank-you email",
            ],
        )
        self.assertFalse(any(operation.step_ids.mapped("is_template")))
        self.assertEqual(len(self.template.step_ids), 4, "the template is left as it was")
        self.assertFalse(operation.is_template)

    def test_nothing_to_overwrite_on_an_empty_operation(self):
        wizard = self.load(self.create_operation("Blank"))
        self.assertIn("Nothing", wizard.overwritten)

    def test_load_refused_when_targets_were_processed(self):
        operation = self.create_operation("Running show")
        step = self.create_step(operation, "Email")
        step._add_targets(self.globex)
        step.action_launch()
        with self.assertRaisesRegex(UserError, "1 targets of Running show have been processed"):
            self.load(operation).action_load()
        self.assertEqual(operation.step_ids, step)

    def test_new_operation_from_template(self):
        action = self.template.action_create_from_template()
        new = self.env["marketing.operation"].browse(action["res_id"])
        self.assertFalse(new.is_template)
        self.assertEqual(new.name, "Trade show template")
        self.assertEqual(len(new.step_ids), 4)

    def test_load_template_step(self):
        call_type = self.env["marketing.step.type"].create(
            {"name": "Call with date", "date_requirement": "mandatory"}
        )
        template_step = self.create_step(
            self.template,
            "Reminder call",
            step_type_id=call_type.id,
            date_planned="2026-01-01 10:00:00",
            duration=0.5,
            is_template=True,
        )
        operation = self.create_operation("Show")
        step = self.create_step(operation, "To configure")
        wizard = self.env["marketing.operation.template.load"].create(
            {"operation_id": operation.id, "step_id": step.id, "template_step_id": template_step.id}
        )
        self.assertIn("Type", wizard.overwritten)
        wizard.action_load()
        self.assertEqual(step.step_type_id, call_type)
        self.assertEqual(step.duration, 0.5)
        self.assertEqual(step.name, "To configure")

    def test_template_step_cannot_load_into_its_own_tree(self):
        parent = self.create_step(self.template, "Campaign", final=False, is_template=True)
        child = self.create_step(self.template, "Follow-up", parent=parent, is_template=True)
        wizard = self.env["marketing.operation.template.load"].create(
            {"operation_id": self.template.id, "step_id": child.id, "template_step_id": parent.id}
        )
        with self.assertRaisesRegex(UserError, "cannot receive its own tree"):
            wizard.action_load()
        self.assertEqual(parent.child_ids, child)
        self.assertFalse(child.child_ids)
