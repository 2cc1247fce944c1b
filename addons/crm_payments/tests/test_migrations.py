import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def load_migration(version, name):
    spec = importlib.util.spec_from_file_location(
        f"crm_payments_migration_{version}", MIGRATIONS / version / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestMigrations(TransactionCase):
    def test_overdue_cron_keeps_its_record_under_the_new_id(self):
        cron = self.env.ref("crm_payments.ir_cron_crm_payment_overdue")
        cron.interval_number = 3  # a setting an administrator changed
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm_payments"), ("name", "=", "ir_cron_crm_payment_overdue")]
        )
        # a database of the previous version knows the cron under its former id
        data.name = "crm_payment_cron_overdue"
        self.env.flush_all()
        self.env.registry.clear_cache()

        load_migration("18.0.1.2.0", "pre-migration").migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()

        self.assertEqual(self.env.ref("crm_payments.ir_cron_crm_payment_overdue"), cron)
        self.assertFalse(self.env.ref("crm_payments.crm_payment_cron_overdue", False))
        self.assertEqual(cron.interval_number, 3)
