from odoo.tests import TransactionCase, new_test_user

from .common import reachable_menu_ids


class TestMarketingOpsInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, "mo_user", groups="marketing_ops.marketing_ops_group_user"
        )
        cls.manager = new_test_user(
            cls.env, "mo_manager", groups="marketing_ops.marketing_ops_group_manager"
        )

    def visible_menus(self, user):
        return reachable_menu_ids(self.env, user)

    def test_groups(self):
        user_group = self.env.ref("marketing_ops.marketing_ops_group_user")
        manager_group = self.env.ref("marketing_ops.marketing_ops_group_manager")
        self.assertIn(user_group, manager_group.implied_ids)
        self.assertTrue(self.manager.has_group("marketing_ops.marketing_ops_group_user"))
        self.assertFalse(self.user.has_group("marketing_ops.marketing_ops_group_manager"))
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("marketing_ops.marketing_ops_group_manager")
        )
        self.assertEqual(
            user_group.category_id.parent_id, self.env.ref("base.module_category_marketing")
        )

    def test_menus_by_group(self):
        root = self.env.ref("mass_mailing.marketing_suite_menu_root")
        operations = self.env.ref("marketing_ops.marketing_ops_menu_operations")
        config = self.env.ref("marketing_ops.marketing_ops_menu_config")
        self.assertEqual(root.name, "Marketing")
        self.assertFalse(root.parent_id)
        self.assertEqual(operations.parent_id, root)

        user_menus = self.visible_menus(self.user)
        self.assertIn(root.id, user_menus)
        self.assertIn(operations.id, user_menus)
        self.assertNotIn(config.id, user_menus)
        self.assertNotIn(self.env.ref("marketing_ops.marketing_ops_menu_utm_stages").id, user_menus)

        manager_menus = self.visible_menus(self.manager)
        self.assertIn(config.id, manager_menus)
        self.assertIn(self.env.ref("marketing_ops.marketing_ops_menu_utm_stages").id, manager_menus)

    def test_menus_hidden_from_other_employees(self):
        employee = new_test_user(self.env, "mo_employee", groups="base.group_user")
        menus = self.visible_menus(employee)
        self.assertNotIn(self.env.ref("marketing_ops.marketing_ops_menu_operations").id, menus)
        self.assertNotIn(self.env.ref("mass_mailing.marketing_suite_menu_root").id, menus)
