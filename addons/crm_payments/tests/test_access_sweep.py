"""What every kind of user gets from every model of crm_payments, and from the host models it adds
fields to, around payments of a confidential marketing operation.

The tables below are the expectations: a model of the addon, or a host model it extends, without
a row fails the sweep, so that the next model is swept too."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.marketing_ops.tests.access_sweep import AccessSweepMixin

from .common import CrmPaymentsCase

USERS = ("user", "insider", "manager", "internal", "user_b", "portal", "public")
# users who may see the confidential operation (listed on it)
ALLOWED = ("insider",)
SECRETS = ("Zeta Secret", "ZSM-9")

NONE = {"internal": "", "portal": "", "public": ""}
CONFIG = {"user": "r", "insider": "r", "manager": "rwcu", "user_b": "r", **NONE}
WORK = {"user": "rwcu", "insider": "rwcu", "manager": "rwcu", "user_b": "rwcu", **NONE}
MANAGERS = {"user": "", "insider": "", "manager": "rwcu", "user_b": "", **NONE}

# model-level rights (read, write, create, unlink) of each user on each model of the addon
RIGHTS = {
    "crm.payment": WORK,
    "crm.payment.mode": CONFIG,
    "crm.payment.category": CONFIG,
    "crm.sales.budget": MANAGERS,
    "crm.sales.budget.report": {**MANAGERS, "manager": "r"},
    "crm.lead.instalment": WORK,
    "crm.lead.instalment.line": WORK,
}
# host models the addon extends, with the fields swept on them
HOST_FIELDS = {
    "crm.lead": ("payment_count", "payment_collected", "payment_balance"),
    "res.partner": ("crm_payment_count", "crm_payment_balance"),
    "marketing.operation": ("crm_payment_count", "pricelist_id"),
    "res.company": (),
    "res.config.settings": (),
}


@tagged("post_install", "-at_install")
class TestAccessSweep(AccessSweepMixin, CrmPaymentsCase):
    SWEPT_MODULE = "crm_payments"
    USERS, RIGHTS, HOST_FIELDS, ALLOWED, SECRETS = USERS, RIGHTS, HOST_FIELDS, ALLOWED, SECRETS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Zeta Payments B"})
        export = "base.group_allow_export"
        payments = f"sales_team.group_sale_salesman,crm_payments.crm_payments_group_user,{export}"
        cls.user.groups_id |= cls.env.ref(export)
        cls.users = {
            "user": cls.user,
            "insider": new_test_user(
                cls.env,
                "cp_sweep_insider",
                groups=f"{payments},marketing_ops.marketing_ops_group_user",
            ),
            "manager": new_test_user(
                cls.env,
                "cp_sweep_manager",
                groups=f"sales_team.group_sale_salesman,crm_payments.crm_payments_group_manager,"
                f"{export}",
            ),
            "internal": new_test_user(
                cls.env, "cp_sweep_internal", groups=f"base.group_user,{export}"
            ),
            "user_b": new_test_user(
                cls.env,
                "cp_sweep_user_b",
                groups=payments,
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            ),
            "portal": new_test_user(cls.env, "cp_sweep_portal", groups="base.group_portal"),
            "public": cls.env.ref("base.public_user"),
        }
        Operation = cls.env["marketing.operation"]
        cls.public_op = Operation.create({"name": "Zeta Public Fair"})
        cls.secret_op = Operation.create(
            {
                "name": "Zeta Secret Merger",
                "code": "ZSM-9",
                "is_confidential": True,
                "allowed_user_ids": [Command.set(cls.users["insider"].ids)],
            }
        )
        Payment = cls.env["crm.payment"]
        cls.payments = Payment.create(
            [
                {
                    "partner_id": cls.customer.id,
                    "amount": amount,
                    "date_due": cls.days(10),
                    "operation_id": operation.id,
                    "user_id": cls.user.id,
                }
                for operation, amount in ((cls.public_op, 100.0), (cls.secret_op, 200.0))
            ]
        )
        cls.payment_b = Payment.create(
            {
                "partner_id": cls.customer.id,
                "amount": 50.0,
                "date_due": cls.days(10),
                "company_id": cls.company_b.id,
                "currency_id": cls.company_b.currency_id.id,
                "user_id": cls.users["user_b"].id,
            }
        )
        cls.mode = cls.env["crm.payment.mode"].create({"name": "Zeta transfer"})
        cls.budget = cls.env["crm.sales.budget"].create(
            {"user_id": cls.user.id, "year": 2026, "period_number": 3, "amount": 5000.0}
        )

    def test_payments(self):
        """Every access path to payments of a confidential operation, for every user."""
        everything = self.payments | self.payment_b
        visible = {
            "user": self.payments,
            "insider": self.payments,
            "manager": self.payments,
            "user_b": self.payment_b,
        }
        fnames = ["name", "amount", "operation_id", "campaign_id"]
        for key in USERS:
            env = self.env_of(key)
            Payment = env["crm.payment"]
            with self.subTest(user=key):
                if key not in visible:
                    for call, args in (
                        (Payment.search_read, ([], fnames)),
                        (Payment.name_search, ("",)),
                        (Payment.read_group, ([], ["operation_id"], ["operation_id"])),
                        (everything.with_env(env).read, (fnames,)),
                        (Payment.create, ({"partner_id": self.customer.id, "amount": 1},)),
                    ):
                        with self.assertRaises(AccessError):
                            call(*args)
                    for payment in everything:
                        self.assertEqual(
                            self.outcome(payment.with_env(env).write, {"amount": 1.0}), "denied"
                        )
                        self.assertEqual(self.outcome(payment.with_env(env).unlink), "denied")
                    continue
                expected = visible[key]
                found = Payment.search([("id", "in", everything.ids)])
                self.assertEqual(found, expected.with_env(env))
                rows = Payment.search_read([("id", "in", everything.ids)], fnames)
                self.assertNoSecret(rows, key, "search_read")
                self.assertNoSecret(found.read(fnames), key, "read")
                spec = {
                    "operation_id": {"fields": {"display_name": {}}},
                    "campaign_id": {"fields": {"display_name": {}}},
                }
                self.assertNoSecret(found.web_read(spec), key, "web_read")
                self.assertNoSecret(Payment.name_search(""), key, "name_search")
                for groupby in ("operation_id", "campaign_id"):
                    groups = Payment.read_group(
                        [("id", "in", everything.ids)], [groupby], [groupby]
                    )
                    self.assertNoSecret(groups, key, f"read_group by {groupby}")
                try:
                    exported = found.export_data(["name", "operation_id", "campaign_id"])
                except AccessError as error:  # a many2one the user may not read
                    exported = str(error)
                self.assertNoSecret(exported, key, "export")
                labels = {row["id"]: row["operation_id"] for row in rows}
                for payment in found.sudo():
                    operation = payment.operation_id
                    if not operation:
                        continue
                    name = (
                        "Confidential operation"
                        if operation.is_hidden and key not in ALLOWED
                        else operation.name
                    )
                    self.assertEqual(labels[payment.id], (operation.id, name), key)
                for payment in everything:
                    expected_outcome = "ok" if payment in expected else "denied"
                    written = self.outcome(payment.with_env(env).write, {"amount": 1.0})
                    self.assertEqual(written, expected_outcome, f"write {payment.name}")
                    deleted = self.outcome(payment.with_env(env).unlink)
                    self.assertEqual(deleted, expected_outcome, f"unlink {payment.name}")
                created = self.outcome(
                    Payment.create, {"partner_id": self.customer.id, "amount": 1.0}
                )
                self.assertEqual(created, "ok")

    def test_configuration_and_budget(self):
        """Payment modes and budget lines, each user's outcome on real records."""
        for model, records, values in (
            ("crm.payment.mode", self.mode, {"name": "Zeta"}),
            ("crm.sales.budget", self.budget, {"amount": 6000.0}),
        ):
            self.assertTrue(records, model)
            for key in USERS:
                rights = RIGHTS[model][key]
                Model = self.env_of(key)[model]
                with self.subTest(model=model, user=key, operation="search"):
                    if "r" not in rights:
                        with self.assertRaises(AccessError):
                            Model.search_read([], ["display_name"])
                    else:
                        self.assertEqual(Model.search([("id", "in", records.ids)]), records)
                for record in records.with_env(Model.env):
                    for operation, letter, call, args in (
                        ("write", "w", record.write, (values,)),
                        ("unlink", "u", record.unlink, ()),
                    ):
                        with self.subTest(model=model, user=key, operation=operation):
                            self.assertOutcome("ok" if letter in rights else "denied", call, *args)

    def test_budget_refusals_are_business_refusals(self):
        """A manager's negative budget is refused with a message, not a database error; a
        payments user is denied before the values are looked at."""
        budget = self.budget.with_env(self.env_of("manager"))
        self.assertOutcome("refused", budget.write, {"amount": -1.0})
        with self.assertRaises(ValidationError) as caught:
            budget.write({"amount": -1.0})
        self.assertIn("cannot be negative", str(caught.exception))
        user_budget = self.budget.with_env(self.env_of("user"))
        self.assertOutcome("denied", user_budget.write, {"amount": -1.0})

    def test_host_models(self):
        records = {
            "crm.lead": self.lead,
            "res.partner": self.customer,
            "marketing.operation": self.public_op | self.secret_op,
        }
        # who finds the swept records, and reads the fields the addon adds to them: the
        # opportunity is the payments user's own (a salesperson finds their own only), the
        # confidential operation is the insider's; the others find nothing
        readers = {
            "crm.lead": ("user",),
            "res.partner": ("user", "insider", "manager", "internal", "user_b"),
            "marketing.operation": ("insider",),
        }
        for model, fnames in HOST_FIELDS.items():
            if not fnames:
                continue
            self.assertIn(model, records, f"{model} has fields swept but no record")
            for key in USERS:
                env = self.env_of(key)
                with self.subTest(model=model, user=key):
                    found = (
                        env[model].search([("id", "in", records[model].ids)])
                        if env[model].has_access("read")
                        else env[model]
                    )
                    if key not in readers[model]:
                        self.assertFalse(found, f"{key} finds {model}")
                        continue
                    self.assertTrue(found, f"{key} finds no {model}")
                    self.assertNoSecret(found.read(list(fnames)), key, f"{model} read")

    def test_operation_mismatch_message_is_neutral(self):
        """A payment user choosing a confidential operation and another campaign is told the
        operation's neutral name only."""
        other = self.env["utm.campaign"].create({"title": "Zeta other campaign"})
        with self.assertRefused(ValidationError, "Confidential operation") as caught:
            self.create_payment(operation_id=self.secret_op.id, campaign_id=other.id)
        self.assertNoSecret(str(caught.exception), "user", "refusal")
