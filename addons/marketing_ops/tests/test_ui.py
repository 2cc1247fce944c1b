from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMarketingOpsUi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "mo_tour_user",
            groups="marketing_ops.marketing_ops_group_user",
            password="mo_tour_user",
        )

    def test_create_operation_with_a_step(self):
        self.start_tour("/odoo", "marketing_ops_operation_tour", login="mo_tour_user")
        operation = self.env["marketing.operation"].search([("name", "=", "Tour Fair 2026")])
        self.assertEqual(operation.location, "Lyon")
        self.assertEqual(operation.create_uid, self.user)
        self.assertEqual(operation.step_ids.mapped("name"), ["Invitation email"])
        self.assertEqual(
            operation.step_ids.step_type_id,
            self.env.ref("marketing_ops.marketing_step_type_emailing"),
        )
        self.assertTrue(operation.utm_campaign_id)

    def test_launch_step_and_set_done(self):
        operation = self.env["marketing.operation"].create({"name": "Tour launch operation"})
        step = self.env["marketing.operation.step"].create(
            {
                "operation_id": operation.id,
                "name": "Tour launch step",
                "step_type_id": self.env.ref("marketing_ops.marketing_step_type_other").id,
            }
        )
        company = self.env["res.partner"].create({"name": "Tour Company", "is_company": True})
        step._add_targets(company)
        self.start_tour("/odoo", "marketing_ops_launch_tour", login="mo_tour_user")
        self.assertEqual(
            step.target_ids.state_id, self.env.ref("marketing_ops.marketing_target_state_ok")
        )
        self.assertEqual(step.state_id.kind, "done")
