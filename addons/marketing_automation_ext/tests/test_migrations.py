import importlib.util
from pathlib import Path

from odoo.tests import TransactionCase, tagged

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def load_migration(version, name):
    spec = importlib.util.spec_from_file_location(
        f"marketing_automation_ext_migration_{version}", MIGRATIONS / version / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigrations(TransactionCase):
    def test_crons_keep_their_records_under_their_new_ids(self):
        module = "marketing_automation_ext"
        Data = self.env["ir.model.data"]
        migration = load_migration("18.0.1.2.0", "pre-migration")
        crons = {}
        for old, new in migration.RENAMED.items():
            cron = self.env.ref(f"{module}.{new}")
            cron.interval_number = 7  # a setting an administrator changed
            crons[new] = cron
            # a database of the previous version knows the cron under its former id
            Data.search([("module", "=", module), ("name", "=", new)]).name = old
        self.env.flush_all()
        self.env.registry.clear_cache()

        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.env.registry.clear_cache()

        for old, new in migration.RENAMED.items():
            self.assertEqual(self.env.ref(f"{module}.{new}"), crons[new])
            self.assertFalse(self.env.ref(f"{module}.{old}", False))
            self.assertEqual(crons[new].interval_number, 7)
