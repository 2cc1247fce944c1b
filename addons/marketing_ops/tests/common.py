from odoo.tests import TransactionCase, new_test_user


def reachable_menu_ids(env, user):
    """Ids of the menus the web client shows to ``user``: visible and under a shown parent."""
    menus = env["ir.ui.menu"].with_user(user).load_menus(debug=False)
    shown, todo = set(), list(menus["root"]["children"])
    while todo:
        menu_id = todo.pop()
        shown.add(menu_id)
        todo.extend(menus[menu_id]["children"])
    return shown


def count_queries(env, run):
    """Number of queries ``run()`` makes, caches emptied before and its writes flushed after."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    run()
    env.flush_all()
    return env.cr.sql_log_count - before


def assert_same_queries(case, run, few, many, warm=None):
    """``run(records)`` makes as many queries for ``many`` records as for ``few``; ``warm`` is run
    first so that the caches of access rights and rules do not count in ``few``."""
    if warm is not None:
        count_queries(case.env, lambda: run(warm))
    queries_for_few = count_queries(case.env, lambda: run(few))
    queries_for_many = count_queries(case.env, lambda: run(many))
    case.assertEqual(
        queries_for_many,
        queries_for_few,
        f"{queries_for_many} queries for the many, {queries_for_few} for the few",
    )


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
