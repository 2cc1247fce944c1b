"""The frame of an access sweep: what every kind of user gets from every model of an addon.

A sweep (``test_access_sweep.py`` of marketing_ops and of the addons built on it) mixes
:class:`AccessSweepMixin` into its test case and gives its tables as class attributes:

- ``SWEPT_MODULE``: the addon swept; every model it defines needs a row in ``RIGHTS``, every host
  model it extends a row in ``HOST_FIELDS``;
- ``USERS``: the keys of ``cls.users``, the users swept;
- ``RIGHTS``: per model, per user, the model-level rights as letters of "rwcu"
  (read, write, create, unlink);
- ``HOST_FIELDS``: per host model extended, the fields swept on it;
- ``ALLOWED`` and ``SECRETS``: the users who may read the confidential records, and the words
  no one else may ever read.
"""

from odoo.exceptions import AccessError, UserError, ValidationError


class AccessSweepMixin:
    # Odoo runs a test case's own test methods only, unless told to run the inherited ones too
    allow_inherited_tests_method = True
    SWEPT_MODULE = None
    USERS = ()
    RIGHTS = {}
    HOST_FIELDS = {}
    ALLOWED = ()
    SECRETS = ()

    def env_of(self, key):
        """The environment of the user ``key``, with nothing left in the cache by another."""
        self.env.invalidate_all()
        return self.env(user=self.users[key])

    def assertNoSecret(self, value, key, what):
        if key in self.ALLOWED:
            return
        text = repr(value)
        for secret in self.SECRETS:
            self.assertNotIn(secret, text, f"{what} shows {secret!r} to {key}")

    def outcome(self, function, *args):
        """What ``function(*args)`` gets, rolled back whatever it did: "ok" when it passes,
        "denied" on an AccessError, "refused" on a business refusal (a UserError or a
        ValidationError: the access checks passed, the values did not)."""

        class Rollback(Exception):
            pass

        try:
            with self.env.cr.savepoint():
                function(*args)
                self.env.flush_all()
                raise Rollback()
        except Rollback:
            return "ok"
        except AccessError:
            return "denied"
        except (UserError, ValidationError):
            return "refused"
        finally:
            self.env.invalidate_all()

    def assertOutcome(self, expected, function, *args, what=""):
        """``function(*args)`` gets ``expected`` ("ok", "denied" or "refused")."""
        self.assertEqual(self.outcome(function, *args), expected, what)

    def test_every_model_has_expectations(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", self.SWEPT_MODULE), ("model", "=", "ir.model")]
        )
        models = {
            model.model
            for model in self.env["ir.model"].browse(data.mapped("res_id"))
            if not self.env[model.model]._abstract
        }
        ours = {name for name in models if self.env[name]._original_module == self.SWEPT_MODULE}
        self.assertTrue(ours, f"no model found for {self.SWEPT_MODULE}")
        self.assertFalse(
            ours - set(self.RIGHTS), f"models of {self.SWEPT_MODULE} without expectations"
        )
        self.assertFalse(
            models - ours - set(self.HOST_FIELDS), "host models extended without expectations"
        )
        for model, rights in self.RIGHTS.items():
            self.assertEqual(set(rights), set(self.USERS), model)

    def test_model_rights(self):
        for model, rights in self.RIGHTS.items():
            self.assertIn(model, self.env, f"{model} has a row but no such model is installed")
            for key in self.USERS:
                Model = self.env_of(key)[model]
                for letter, operation in zip(
                    "rwcu", ("read", "write", "create", "unlink"), strict=True
                ):
                    with self.subTest(model=model, user=key, operation=operation):
                        self.assertEqual(Model.has_access(operation), letter in rights[key])
