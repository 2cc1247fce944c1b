from odoo.tests import TransactionCase, new_test_user


class MarketingOpsCase(TransactionCase):
    """Fixtures in the words of the domain: operations, steps, partners and their contacts."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "mo_test_user",
            groups="marketing_ops.marketing_ops_group_user,sales_team.group_sale_salesman",
        )
        cls.manager = new_test_user(
            cls.env, "mo_test_manager", groups="marketing_ops.marketing_ops_group_manager"
        )
        cls.Partner = cls.env["res.partner"]
        cls.type_other = cls.env.ref("marketing_ops.marketing_step_type_other")
        cls.type_emailing = cls.env.ref("marketing_ops.marketing_step_type_emailing")
        cls.state_todo = cls.env.ref("marketing_ops.marketing_target_state_todo")
        cls.state_ok = cls.env.ref("marketing_ops.marketing_target_state_ok")
        cls.state_responded = cls.env.ref("marketing_ops.marketing_target_state_responded")
        cls.state_skipped = cls.env.ref("marketing_ops.marketing_target_state_skipped")
        cls.acme = cls.Partner.create({"name": "Acme Test", "is_company": True})
        cls.alice = cls.Partner.create({"name": "Alice Acme", "parent_id": cls.acme.id})
        cls.bob = cls.Partner.create({"name": "Bob Acme", "parent_id": cls.acme.id})
        cls.globex = cls.Partner.create({"name": "Globex Test", "is_company": True})
        cls.solo = cls.Partner.create({"name": "Solo Individual"})

    @classmethod
    def create_operation(cls, name="Trade show", **values):
        return cls.env["marketing.operation"].create({"name": name, **values})

    @classmethod
    def create_step(cls, operation, name="Step", parent=None, final=True, **values):
        vals = {
            "operation_id": operation.id,
            "name": name,
            "is_final": final,
            "step_type_id": cls.type_other.id if final else False,
            "parent_id": parent.id if parent else False,
        }
        vals.update(values)
        return cls.env["marketing.operation.step"].create(vals)

    def targets_of(self, step):
        return {t.partner_id: set(t.contact_ids.partner_id) for t in step.target_ids}
