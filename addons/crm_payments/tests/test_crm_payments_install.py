from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user

from odoo.addons.marketing_ops.tests.common import reachable_menu_ids


class TestCrmPaymentsInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        sales = "sales_team.group_sale_salesman,"
        cls.user = new_test_user(
            cls.env, "pay_user", groups=sales + "crm_payments.crm_payments_group_user"
        )
        cls.manager = new_test_user(
            cls.env, "pay_manager", groups=sales + "crm_payments.crm_payments_group_manager"
        )

    def test_groups(self):
        self.assertTrue(self.manager.has_group("crm_payments.crm_payments_group_user"))
        self.assertFalse(self.user.has_group("crm_payments.crm_payments_group_manager"))

    def test_menus_by_group(self):
        section = self.env.ref("crm_payments.crm_payments_menu_root")
        config = self.env.ref("crm_payments.crm_payments_menu_config")
        modes = self.env.ref("crm_payments.crm_payment_mode_menu")
        self.assertEqual(section.parent_id, self.env.ref("crm.crm_menu_root"))
        self.assertEqual(config.parent_id, section)
        self.assertNotIn(config.id, reachable_menu_ids(self.env, self.user))
        self.assertNotIn(modes.id, reachable_menu_ids(self.env, self.user))
        self.assertIn(modes.id, reachable_menu_ids(self.env, self.manager))

    def test_configuration_rights(self):
        mode = (
            self.env["crm.payment.mode"].with_user(self.manager).create({"name": "Bank transfer"})
        )
        self.assertEqual(mode.with_user(self.user).name, "Bank transfer")
        with self.assertRaises(AccessError):
            self.env["crm.payment.mode"].with_user(self.user).create({"name": "Cash"})
        with self.assertRaises(AccessError):
            mode.with_user(self.user).write({"name": "Wire"})
