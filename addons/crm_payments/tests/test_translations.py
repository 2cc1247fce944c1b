from odoo.tests import TransactionCase

from odoo.addons.marketing_ops.tests.common import CATALOGUE_LANGS, untranslated_terms


class TestTranslations(TransactionCase):
    def test_nothing_left_in_english(self):
        for catalogue in CATALOGUE_LANGS:
            with self.subTest(catalogue=catalogue):
                missing = untranslated_terms(self.env, "crm_payments", catalogue)
                self.assertFalse(missing, "\n".join(missing))
