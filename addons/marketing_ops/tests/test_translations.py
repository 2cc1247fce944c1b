from odoo.tests import TransactionCase

from .common import CATALOGUE_LANGS, untranslated_terms


class TestTranslations(TransactionCase):
    def test_catalogues_load_for_the_four_languages(self):
        expected = {
            "es_ES": ("OK, continuar", "Operación de marketing"),
            "fr_FR": ("OK, continuer", "Opération marketing"),
            "cs_CZ": ("OK, pokračovat", "Marketingová akce"),
            "ro_RO": ("OK, continuă", "Operațiune de marketing"),
        }
        for code in expected:
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"].search([("name", "=", "marketing_ops")])._update_translations(
            list(expected)
        )
        state = self.env.ref("marketing_ops.marketing_target_state_ok")
        model = self.env["ir.model"]._get("marketing.operation")
        for code, (status, model_name) in expected.items():
            self.assertEqual(state.with_context(lang=code).name, status, code)
            self.assertEqual(model.with_context(lang=code).name, model_name, code)

    def test_nothing_left_in_english(self):
        for catalogue in CATALOGUE_LANGS:
            with self.subTest(catalogue=catalogue):
                missing = untranslated_terms(self.env, "marketing_ops", catalogue)
                self.assertFalse(missing, "\n".join(missing))
