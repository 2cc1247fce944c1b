"""The frame of a feature table: what a user of each group gets from each feature of an addon.

A table (``test_feature_access.py`` of marketing_ops and of the addons built on it) mixes
:class:`FeatureTableMixin` into its test case and gives:

- ``GROUPS``: per key, the groups of the user who runs the features (created in setUpClass,
  ``cls.members[key]``), never an administrator;
- ``TABLE``: per feature, per key, ``OK`` or ``refused(group)``: a refusal raised from the
  feature's action (a UserError or an AccessError), its message naming ``group``, the XML id
  of the group that may;
- a method ``feature_<feature with underscores>()`` per feature, run in the test's
  environment, which is the user's while it runs (``self.env``, ``self.member_key``).
"""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

OK = "ok"


def refused(group_xmlid):
    """The expectation of a refusal whose message names the group ``group_xmlid``."""
    return ("refused", group_xmlid)


class FeatureTableMixin:
    # Odoo runs a test case's own test methods only, unless told to run the inherited ones too
    allow_inherited_tests_method = True
    GROUPS = {}
    TABLE = {}
    LOGIN_PREFIX = "feature"

    @classmethod
    def setup_members(cls, **values):
        cls.members = {
            key: new_test_user(
                cls.env,
                f"{cls.LOGIN_PREFIX}_{key}",
                groups=groups,
                email=f"{cls.LOGIN_PREFIX}.{key}@example.com",
                **values,
            )
            for key, groups in cls.GROUPS.items()
        }

    def run_feature(self, feature):
        return getattr(self, "feature_" + feature.replace(" ", "_"))()

    def attempt(self, feature, key):
        """("ok", None), or ("refused", its message) when the feature raises a UserError or an
        AccessError, run as the member ``key``; whatever it did is rolled back."""

        class Rollback(Exception):
            pass

        self.env.invalidate_all()
        self.member_key = key
        before = self.env
        member = self.members[key]
        # the test's environment becomes the user's, in their language as in the web client
        self.env = self.env(user=member, context={**self.env.context, "lang": member.lang})
        try:
            with self.env.cr.savepoint():
                self.run_feature(feature)
                self.env.flush_all()
                raise Rollback()
        except Rollback:
            return OK, None
        except (AccessError, UserError) as error:
            return "refused", str(error)
        finally:
            self.env = before
            self.env.invalidate_all()

    def test_features_by_group(self):
        for feature, expected_by_group in self.TABLE.items():
            self.assertEqual(set(expected_by_group), set(self.GROUPS), feature)
            for key, expected in expected_by_group.items():
                with self.subTest(feature=feature, group=key):
                    outcome, message = self.attempt(feature, key)
                    if expected == OK:
                        self.assertEqual(outcome, OK, f"{feature} refused to {key}: {message}")
                        continue
                    self.assertEqual(outcome, "refused", f"{feature} allowed to {key}")
                    label = self.group_label(expected[1], "en_US")
                    self.assertIn(label, message, f"{feature}: who may is not said")

    def group_label(self, group_xmlid, lang):
        """The group as refusals name it to a user working in ``lang``: "Category/Group"."""
        self.env.invalidate_all()
        group = self.env.ref(group_xmlid).with_context(lang=lang)
        return f"{group.category_id.name}/{group.name}"

    def assertRefusedInLanguage(self, feature, key, lang, modules):
        """The member ``key``, working in ``lang``, is refused ``feature`` in that language,
        the group that may named in it."""
        self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"].search([("name", "in", modules)])._update_translations([lang])
        self.members[key].lang = lang
        outcome, message = self.attempt(feature, key)
        self.assertEqual(outcome, "refused")
        group = self.TABLE[feature][key][1]
        label = self.group_label(group, lang)
        self.assertNotEqual(label, self.group_label(group, "en_US"), "the group's name translated")
        self.assertIn(label, message)
        self.assertNotIn("You are not allowed", message)
