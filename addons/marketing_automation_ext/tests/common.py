from datetime import datetime

import polib

from odoo.tests import new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import xml_translate

from odoo.addons.mass_mailing.tests.common import MassMailCommon

NOW = datetime(2026, 3, 2, 9, 0, 0)


class MarketingAutomationCommon(MassMailCommon):
    """Campaign fixtures and helpers speaking the domain of automated campaigns."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        prefix = "marketing_automation_ext.marketing_automation_ext_group_"
        cls.ma_user = new_test_user(
            cls.env,
            "ma_campaign_user",
            groups=prefix + "user,base.group_partner_manager",
            email="ma.user@test.example.com",
        )
        cls.ma_manager = new_test_user(
            cls.env,
            "ma_campaign_manager",
            groups=prefix + "manager,base.group_partner_manager",
            email="ma.manager@test.example.com",
        )
        cls.tag_vip = cls.env["res.partner.category"].create({"name": "VIP test"})
        cls.partners = cls._create_partners(5)

    @classmethod
    def _create_partners(cls, count, prefix="ma_contact", **extra):
        return cls.env["res.partner"].create(
            [
                {
                    "name": f"{prefix} {index}",
                    "email": f"{prefix}.{index}@test.example.com",
                    "mobile": f"+32456{index:06d}",
                    "category_id": [(6, 0, cls.tag_vip.ids)],
                    **extra,
                }
                for index in range(count)
            ]
        )

    def _create_campaign(self, records=None, **values):
        records = self.partners if records is None else records
        return self.env["marketing.automation.campaign"].create(
            {
                "name": "Test campaign",
                "model_id": self.env["ir.model"]._get_id(records._name),
                "domain": repr([("id", "in", records.ids)]),
                **values,
            }
        )

    def _create_activity(self, campaign, name, parent=None, **values):
        vals = {
            "name": name,
            "campaign_id": campaign.id,
            "trigger_type": "activity" if parent else "begin",
            "parent_id": parent.id if parent else False,
            "interval_number": 0,
            "activity_type": "email",
            **values,
        }
        activity = self.env["marketing.automation.activity"].create(vals)
        if activity.activity_type == "email" and "body" not in values:
            body = (
                '<p>Hello <t t-out="object.name"/>, see '
                '<a href="https://www.example.com/offer">our offer</a></p>'
            )
            activity.mailing_id.write({"body_arch": body, "body_html": body})
        return activity

    def _start(self, campaign):
        campaign.action_start()
        campaign._enrol_participants()

    def _run_due(self):
        """Run the execute cron's batches until nothing is due."""
        Trace = self.env["marketing.automation.trace"]
        for _index in range(20):
            traces = Trace._claim_due()
            if not traces:
                return
            traces._execute()
        raise AssertionError("The scheduler did not drain the due traces")

    def _queued_mails(self, campaign):
        """The mails the campaign's email activities queued (they bypass the ORM create)."""
        return self.env["mail.mail"].search(
            [("mailing_id", "in", campaign.activity_ids.mailing_id.ids)], order="id"
        )

    def _traces(self, activity, state=None):
        traces = activity.trace_ids
        if state:
            traces = traces.filtered(lambda t: t.state == state)
        return traces

    def _trace_of(self, activity, record):
        return activity.trace_ids.filtered(lambda t: t.participant_id.res_id == record.id)


# marketing_ops has the same check: this addon does not depend on it
CATALOGUE_LANGS = {"es": "es_ES", "fr": "fr_FR", "cs": "cs_CZ", "ro": "ro_RO"}


def untranslated_terms(env, module, catalogue):
    """What a user working in the language of ``module``'s catalogue ``catalogue`` (e.g. "fr")
    would still read in English once the catalogue is loaded: menus, field labels and helps,
    selection values, and the texts of views (labels, buttons, help). A term the catalogue
    translates by itself on purpose (a name, an abbreviation) counts as translated."""
    lang = CATALOGUE_LANGS[catalogue]
    env["res.lang"]._activate_lang(lang)
    env["ir.module.module"].search([("name", "=", module)])._update_translations([lang])
    po_path = file_path(f"{module}/i18n/{catalogue}.po")
    same = {entry.msgid for entry in polib.pofile(po_path) if entry.msgstr == entry.msgid}
    data = env["ir.model.data"].search([("module", "=", module)])
    ids = {model: set(rows.mapped("res_id")) for model, rows in data.grouped("model").items()}
    missing = []

    def check(what, english, translated):
        if not english or not any(char.isalpha() for char in english):
            return  # nothing to translate in "#" or "/"
        if english == translated and english not in same:
            missing.append(f"{what}: {english!r}")

    def pairs(model, *names):
        records = env[model].browse(sorted(ids.get(model, ()))).exists()
        for record, local in zip(records, records.with_context(lang=lang), strict=True):
            for name in names:
                yield f"{model} {record.display_name} {name}", record[name], local[name]

    for args in pairs("ir.ui.menu", "name"):
        check(*args)
    for args in pairs("ir.model.fields", "field_description", "help"):
        check(*args)
    for args in pairs("ir.model.fields.selection", "name"):
        check(*args)
    for view in env["ir.ui.view"].browse(sorted(ids.get("ir.ui.view", ()))).exists():
        english, local = [], []
        xml_translate(english.append, view.with_context(lang="en_US").arch_db)
        xml_translate(local.append, view.with_context(lang=lang).arch_db)
        for term_en, term_local in zip(english, local, strict=False):
            check(f"view {view.xml_id}", term_en, term_local)
    return missing
