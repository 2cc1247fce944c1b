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


class TestMarketingAutomationInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        prefix = "marketing_automation_ext.marketing_automation_ext_group_"
        cls.user = new_test_user(cls.env, "ma_user", groups=prefix + "user")
        cls.manager = new_test_user(cls.env, "ma_manager", groups=prefix + "manager")

    def test_groups(self):
        self.assertTrue(
            self.manager.has_group("marketing_automation_ext.marketing_automation_ext_group_user")
        )
        self.assertFalse(
            self.user.has_group("marketing_automation_ext.marketing_automation_ext_group_manager")
        )
        self.assertTrue(self.user.has_group("mass_mailing.group_mass_mailing_user"))

    def test_menus_by_group(self):
        root = self.env.ref("mass_mailing.marketing_suite_menu_root")
        automation = self.env.ref(
            "marketing_automation_ext.marketing_automation_ext_menu_automation"
        )
        config = self.env.ref("marketing_automation_ext.marketing_automation_ext_menu_config")
        self.assertEqual(automation.parent_id, root)

        user_menus = reachable_menu_ids(self.env, self.user)
        self.assertIn(root.id, user_menus)
        self.assertIn(automation.id, user_menus)
        self.assertNotIn(config.id, user_menus)

        manager_menus = reachable_menu_ids(self.env, self.manager)
        self.assertIn(config.id, manager_menus)
