import functools

import polib

from odoo import SUPERUSER_ID
from odoo.tests import TransactionCase, new_test_user
from odoo.tools.misc import file_path
from odoo.tools.translate import xml_translate


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


class fixture_helper:
    """A helper that builds through the environment of whoever calls it: the class's (the
    superuser's) in ``setUpClass``, the test's own in a test, the user of ``@users(...)``
    included."""

    def __init__(self, function):
        self.function = function
        functools.update_wrapper(self, function)

    def __get__(self, instance, owner):
        return functools.partial(self.function, owner if instance is None else instance)


# the models whose ``action_launch`` a user presses
LAUNCHED_MODELS = (
    "marketing.operation.step",
    "marketing.operation.target",
    "marketing.operation.target.contact",
)


class MarketingOpsCase(TransactionCase):
    """Fixtures in the words of the domain: operations, steps, partners and their contacts.

    A test run as a user (``@users(...)``) launches as that user: every ``action_launch`` it
    makes is checked to run in the user's own environment, never as the superuser, so that
    access rights and record rules are exercised."""

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

    def setUp(self):
        super().setUp()
        for model in LAUNCHED_MODELS:
            model_class = type(self.env[model])
            self.patch(model_class, "action_launch", self._guarded_launch(model_class))

    def _guarded_launch(self, model_class):
        launch = model_class.action_launch
        case = self

        def action_launch(records, *args, **kwargs):
            case.assertActsAsTestUser(records)
            return launch(records, *args, **kwargs)

        return action_launch

    def assertActsAsTestUser(self, records):
        """In a test run as a user (``self.env.uid`` is not the superuser's, as under
        ``@users``), ``records`` act in that user's environment, without superuser mode."""
        if self.env.uid == SUPERUSER_ID:
            return
        self.assertFalse(
            records.env.su,
            f"{records} launched as superuser in a test run as {self.env.user.login}",
        )
        self.assertEqual(
            records.env.uid,
            self.env.uid,
            f"{records} launched by user {records.env.uid}, not {self.env.user.login}",
        )

    def mine(self, records):
        """``records`` in the test's environment (its user's under ``@users``)."""
        return records.with_env(self.env)

    @fixture_helper
    def create_operation(cls, name="Trade show", **values):
        return cls.env["marketing.operation"].create({"name": name, **values})

    @fixture_helper
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
