from odoo.tests import TransactionCase

from .common import CATALOGUE_LANGS, untranslated_terms


class TestTranslations(TransactionCase):
    def test_nothing_left_in_english(self):
        for catalogue in CATALOGUE_LANGS:
            with self.subTest(catalogue=catalogue):
                missing = untranslated_terms(self.env, "marketing_automation_ext", catalogue)
                self.assertFalse(missing, "\n".join(missing))
