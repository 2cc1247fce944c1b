"""What every kind of user gets from every model of marketing_ops, and from the host models it adds
fields to, around a confidential operation and an operation of a confidential family that hold
launched steps, events, activities, messages and a mailing.

The tables below are the expectations: a model of the addon, or a host model given a field of
the addon, without a row fails the sweep, so that the next model is swept too."""

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .access_sweep import AccessSweepMixin
from .common import MarketingOpsCase, assert_same_queries

USERS = ("user", "insider", "manager", "internal", "user_b", "portal", "public")
# users who may see the confidential operation and family (listed on them, or Managers)
ALLOWED = ("insider", "manager")
# names and codes of the confidential records: none may reach another user
SECRETS = ("Zeta Secret", "Zeta Board", "ZSM-9", "ZBF-1")
NEUTRAL = {
    "marketing.operation": "Confidential operation",
    "marketing.operation.step": "Confidential step",
    "marketing.operation.target": "Confidential target",
    "marketing.operation.target.contact": "Confidential target",
    "marketing.operation.family": "Confidential family",
}

NONE = {"internal": "", "portal": "", "public": ""}
CONFIG = {"user": "r", "insider": "r", "manager": "rwcu", "user_b": "r", **NONE}
OPERATION = {"user": "rwc", "insider": "rwc", "manager": "rwcu", "user_b": "rwc", **NONE}
TREE = {"user": "rwcu", "insider": "rwcu", "manager": "rwcu", "user_b": "rwcu", **NONE}
WIZARD = {"user": "rwc", "insider": "rwc", "manager": "rwc", "user_b": "rwc", **NONE}

# model-level rights (read, write, create, unlink) of each user on each model of the addon
RIGHTS = {
    "marketing.operation": OPERATION,
    "marketing.operation.step": TREE,
    "marketing.operation.target": TREE,
    "marketing.operation.target.contact": TREE,
    "marketing.operation.transition": TREE,
    "marketing.operation.condition": TREE,
    "marketing.export.column": TREE,
    "marketing.operation.category": CONFIG,
    "marketing.operation.family": CONFIG,
    "marketing.operation.state": CONFIG,
    "marketing.step.type": CONFIG,
    "marketing.target.state": CONFIG,
    "marketing.label.format": CONFIG,
    "marketing.activity.report": {**CONFIG, "manager": "r"},
    "marketing.operation.step.targeting": WIZARD,
    "marketing.operation.step.close": WIZARD,
    "marketing.operation.template.load": WIZARD,
    "marketing.operation.step.import": WIZARD,
    "marketing.operation.call.session": WIZARD,
    "marketing.operation.step.function": WIZARD,
}
# what a user allowed to do it is refused on the swept records, for a business reason
BUSINESS_REFUSALS = {
    # their targets have been processed: an operation is archived, not deleted
    ("marketing.operation", "unlink"): "refused",
}
# host models the addon adds fields to: the fields swept on them (empty: fields that name none
# of our records, checked for their rights only)
HOST_FIELDS = {
    "calendar.event": ("name", "marketing_operation_id", "marketing_step_id"),
    "mail.activity": ("summary", "marketing_operation_id", "marketing_step_id"),
    "mail.message": ("subject", "body", "record_name", "marketing_step_id"),
    "mailing.mailing": ("subject", "campaign_id", "marketing_step_id"),
    "utm.campaign": ("title", "name"),
    "res.partner": ("marketing_target_count",),
    "res.company": (),
    "res.config.settings": (),
    "ir.actions.report": (),
    "mail.template": (),
    "mailing.trace": (),
    "mail.mail": (),
}


@tagged("post_install", "-at_install")
class TestAccessSweep(AccessSweepMixin, MarketingOpsCase):
    SWEPT_MODULE = "marketing_ops"
    USERS, RIGHTS, HOST_FIELDS, ALLOWED, SECRETS = USERS, RIGHTS, HOST_FIELDS, ALLOWED, SECRETS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Zeta Company B"})
        # all may export, and edit partners (so read the activities on them)
        extra = "base.group_allow_export,base.group_partner_manager"
        marketing = f"marketing_ops.marketing_ops_group_user,{extra}"
        for user in cls.user | cls.manager:
            user.groups_id |= cls.env.ref("base.group_allow_export")
            user.groups_id |= cls.env.ref("base.group_partner_manager")
        cls.users = {
            "user": cls.user,
            "insider": new_test_user(cls.env, "mo_sweep_insider", groups=marketing),
            "manager": cls.manager,
            "internal": new_test_user(
                cls.env, "mo_sweep_internal", groups=f"base.group_user,{extra}"
            ),
            "user_b": new_test_user(
                cls.env,
                "mo_sweep_user_b",
                groups=marketing,
                company_id=cls.company_b.id,
                company_ids=[Command.set(cls.company_b.ids)],
            ),
            "portal": new_test_user(cls.env, "mo_sweep_portal", groups="base.group_portal"),
            "public": cls.env.ref("base.public_user"),
        }
        insider = cls.users["insider"]
        cls.family_open = cls.env["marketing.operation.family"].create({"name": "Zeta Open"})
        cls.family_secret = cls.env["marketing.operation.family"].create(
            {
                "name": "Zeta Board Family",
                "code": "ZBF-1",
                "is_confidential": True,
                "user_ids": [Command.set(insider.ids)],
            }
        )
        cls.public = cls.create_operation("Zeta Public Fair", family_id=cls.family_open.id)
        cls.secret = cls.create_operation(
            "Zeta Secret Merger",
            code="ZSM-9",
            is_confidential=True,
            allowed_user_ids=[Command.set(insider.ids)],
        )
        cls.in_family = cls.create_operation("Zeta Board Plan", family_id=cls.family_secret.id)
        cls.op_b = cls.create_operation("Zeta Fair B", company_id=cls.company_b.id)
        cls.operations = cls.public | cls.secret | cls.in_family | cls.op_b
        cls.hidden = cls.secret | cls.in_family

        call = cls.env.ref("mail.mail_activity_data_call")
        for operation, label in (
            (cls.public, "Zeta Public"),
            (cls.secret, "Zeta Secret"),
            (cls.in_family, "Zeta Board"),
            (cls.op_b, "Zeta B"),
        ):
            meeting = cls.create_step(operation, f"{label} Meeting", event_mode="meeting")
            calls = cls.create_step(
                operation, f"{label} Call", event_mode="activity", activity_type_id=call.id
            )
            for step in meeting | calls:
                step._add_targets(cls.alice | cls.globex)
                step.action_launch()
            # what a step leaves on a partner, read by every internal user
            message = cls.acme.message_post(body="Agenda", subject="News")
            message.marketing_step_id = calls
            operation.message_post(body=f"{label} minutes")
        cls.mailing = cls.env["mailing.mailing"].create(
            {
                "subject": "Zeta newsletter",
                "campaign_id": cls.secret.utm_campaign_id.id,
                "marketing_step_id": cls.secret.step_ids[:1].id,
            }
        )
        cls.steps = cls.operations.step_ids
        cls.targets = cls.operations.target_ids
        cls.events = cls.env["calendar.event"].search([("marketing_step_id", "in", cls.steps.ids)])
        cls.activities = cls.env["mail.activity"].search(
            [("marketing_step_id", "in", cls.steps.ids)]
        )
        assert len(cls.events) == 8 and len(cls.activities) == 8

    # ---- helpers ------------------------------------------------------------------------------

    def export(self, records, fnames, key):
        """The rows ``records`` export, or the message of the refusal (a many2one to a record
        the user may not read cannot be exported)."""
        if not self.users[key].has_group("base.group_allow_export"):
            return []
        try:
            return records.export_data(fnames)["datas"]
        except AccessError as error:
            return str(error)

    def visible_operations(self, key):
        return {
            "user": self.public,
            "insider": self.public | self.hidden,
            "manager": self.public | self.hidden,
            "user_b": self.op_b,
        }.get(key, self.env["marketing.operation"])

    def fixtures(self):
        """{model: (records, visible(user key) -> records)} of the swept records."""
        families = self.family_open | self.family_secret

        def under_operations(records):
            return lambda key: records.filtered(
                lambda r: r.operation_id in self.visible_operations(key)
            )

        return {
            "marketing.operation": (
                self.operations,
                lambda key: self.operations & self.visible_operations(key),
            ),
            "marketing.operation.step": (self.steps, under_operations(self.steps)),
            "marketing.operation.target": (self.targets, under_operations(self.targets)),
            "marketing.operation.target.contact": (
                self.targets.contact_ids,
                under_operations(self.targets.contact_ids),
            ),
            "marketing.operation.family": (
                families,
                lambda key: (
                    families
                    if key in ALLOWED
                    else self.family_open
                    if key in ("user", "user_b")
                    else families.browse()
                ),
            ),
        }

    def create_values(self, model, key):
        operation = self.op_b if key == "user_b" else self.public
        step = operation.step_ids[:1]
        target = step.target_ids.filtered(lambda t: t.partner_id == self.acme)
        return {
            "marketing.operation": {"name": "Zeta new operation"},
            "marketing.operation.step": {
                "operation_id": operation.id,
                "name": "Zeta new step",
                "step_type_id": self.type_other.id,
            },
            "marketing.operation.target": {"step_id": step.id, "partner_id": self.solo.id},
            "marketing.operation.target.contact": {
                "target_id": target.id,
                "partner_id": self.bob.id,
            },
            "marketing.operation.category": {"name": "Zeta new category"},
            "marketing.operation.family": {"name": "Zeta new family"},
            "marketing.operation.state": {"name": "Zeta new state"},
            "marketing.target.state": {"name": "Zeta new status"},
            "marketing.step.type": {"name": "Zeta new type", "kind": "other"},
            "marketing.operation.transition": {"step_id": step.id},
            "marketing.operation.condition": {
                "transition_id": self.transition_of(step).id,
                "code": "C1",
                "condition_type": "status",
                "status_step_id": step.id,
                "target_state_ids": [Command.set(self.state_ok.ids)],
            },
            "marketing.export.column": {
                "step_id": step.id,
                "name": "Zeta City",
                "field_path": "partner_id.city",
            },
            "marketing.label.format": {"name": "Zeta labels"},
            "marketing.activity.report": {},
            "marketing.operation.step.targeting": {"step_id": step.id},
            "marketing.operation.step.close": {"step_id": step.id},
            "marketing.operation.template.load": {"operation_id": operation.id},
            "marketing.operation.step.import": {"step_id": step.id},
            "marketing.operation.call.session": {"step_id": step.id},
            "marketing.operation.step.function": {"step_id": step.id, "functions": "purchas"},
        }.get(model)

    def transition_of(self, step):
        """A transition from ``step``, for the conditions created on it."""
        return step.transition_ids[:1] or self.env["marketing.operation.transition"].create(
            {"step_id": step.id}
        )

    def write_values(self, model):
        return {
            "marketing.operation.target": {"notes": "Zeta note"},
            "marketing.operation.target.contact": {"state_id": self.state_todo.id},
        }.get(model, {"name": "Zeta renamed"})

    def our_many2ones(self, Model):
        ours = set(RIGHTS)
        return [
            name
            for name, field in Model._fields.items()
            if field.type == "many2one" and field.comodel_name in ours and field.store
        ]

    # the tables cover every model, and the model-level rights: AccessSweepMixin

    # ---- models of the addon ----------------------------------------------------------------------

    def test_search_read_group_and_names(self):
        for model, rights in RIGHTS.items():
            self.assertIn(model, self.env, f"{model} has a row but no such model is installed")
            for key in USERS:
                Model = self.env_of(key)[model].with_context(active_test=False)
                with self.subTest(model=model, user=key):
                    if "r" not in rights[key]:
                        with self.assertRaises(AccessError):
                            Model.search_read([], ["display_name"])
                        continue
                    self.assertNoSecret(Model.search_read([], ["display_name"]), key, model)
                    if Model._rec_name or Model._rec_names_search:
                        self.assertNoSecret(Model.name_search("Zeta"), key, model)
                    for groupby in self.our_many2ones(Model):
                        groups = Model.read_group([], [groupby], [groupby])
                        self.assertNoSecret(groups, key, f"{model} by {groupby}")

    def test_records_read_export_write_unlink(self):
        for model, (records, visible_of) in self.fixtures().items():
            rights = RIGHTS[model]
            for key in USERS:
                env = self.env_of(key)
                visible = visible_of(key)
                Model = env[model].with_context(active_test=False)
                with self.subTest(model=model, user=key):
                    if "r" not in rights[key]:
                        with self.assertRaises(AccessError):
                            Model.search([("id", "in", records.ids)])
                    else:
                        found = Model.search([("id", "in", records.ids)])
                        self.assertEqual(set(found.ids), set(visible.ids))
                        names = dict(Model.name_search("Zeta", limit=None))
                        self.assertFalse(set(names) - set(visible.ids))
                        self.assertEqual(
                            names, {r.id: r.display_name for r in found if r.id in names}
                        )
                        exported = self.export(
                            found, ["display_name", *self.our_many2ones(Model)], key
                        )
                        self.assertNoSecret(exported, key, f"{model} export")
                    for record in records:
                        readable = record in visible
                        if readable:
                            values = record.with_env(env).read(["display_name"])
                            self.assertEqual(
                                values[0]["display_name"], record.with_env(env).display_name
                            )
                        else:
                            with self.assertRaises(AccessError):
                                record.with_env(env).read(["display_name"])
                for record in (records & visible)[:1] | (records - visible)[:1]:
                    for operation, letter, call, args in (
                        ("write", "w", record.with_env(env).write, (self.write_values(model),)),
                        ("unlink", "u", record.with_env(env).unlink, ()),
                    ):
                        allowed = letter in rights[key] and record in visible
                        expected = (
                            BUSINESS_REFUSALS.get((model, operation), "ok") if allowed else "denied"
                        )
                        with self.subTest(model=model, user=key, operation=operation, id=record.id):
                            self.assertOutcome(expected, call, *args, what=f"{record}")

    def test_create(self):
        for model, rights in RIGHTS.items():
            self.assertIn(model, self.env, f"{model} has a row but no such model is installed")
            for key in USERS:
                values = self.create_values(model, key)
                with self.subTest(model=model, user=key):
                    self.assertIsNotNone(values, f"no values to create a {model}")
                    expected = "ok" if "c" in rights[key] else "denied"
                    self.assertOutcome(expected, self.env_of(key)[model].create, values)

    def test_multi_company(self):
        """A user of company B sees nothing of company A's operations, steps and targets."""
        env = self.env_of("user_b")
        for model in ("marketing.operation", "marketing.operation.step"):
            found = env[model].search([])
            self.assertFalse(found - found.filtered(lambda r: r.company_id == self.company_b))
        targets = env["marketing.operation.target"].search([])
        self.assertEqual(targets.operation_id, self.op_b.with_env(env))
        self.assertEqual(
            [op_id for op_id, _name in env["marketing.operation"].name_search("Zeta")],
            self.op_b.ids,
        )
        with self.assertRaises(AccessError):
            self.public.with_env(env).read(["name"])
        with self.assertRaises(AccessError):
            self.public.step_ids[:1].with_env(env).write({"name": "From B"})

    # ---- host models ---------------------------------------------------------------------------------

    def test_host_models(self):
        fixtures = {
            "calendar.event": self.events,
            "mail.activity": self.activities,
            "mail.message": self.env["mail.message"].search(
                [
                    "|",
                    ("marketing_step_id", "in", self.steps.ids),
                    "&",
                    ("model", "=", "marketing.operation"),
                    ("res_id", "in", self.operations.ids),
                ]
            ),
            "mailing.mailing": self.mailing,
            "utm.campaign": self.operations.utm_campaign_id,
            "res.partner": self.acme | self.globex,
        }
        # fields reserved to the app's users (the partners' target count)
        reserved = {"res.partner": ("user", "insider", "manager", "user_b")}
        for model, fnames in HOST_FIELDS.items():
            if not fnames:
                continue
            self.assertIn(model, fixtures, f"{model} has fields swept but no record")
            records = fixtures[model]
            for key in USERS:
                Model = self.env_of(key)[model]
                if not Model.has_access("read"):
                    with self.subTest(model=model, user=key):
                        with self.assertRaises(AccessError):
                            Model.search_read([("id", "in", records.ids)], list(fnames))
                    continue
                readable = Model.search([("id", "in", records.ids)])
                # portal and public users read none of these records, though the model
                finds = key not in ("portal", "public")
                denied = model in reserved and key not in reserved[model]
                spec = {
                    name: {"fields": {"display_name": {}}}
                    if Model._fields[name].type == "many2one"
                    else {}
                    for name in fnames
                }
                domain = [("id", "in", records.ids)]
                checks = [
                    ("read", readable.read, (list(fnames),)),
                    ("web_read", readable.web_read, (spec,)),
                    ("search_read", Model.search_read, (domain, list(fnames))),
                ]
                if model != "mail.message":  # exported by administrators only
                    checks.append(("export", self.export, (readable, list(fnames), key)))
                checks.extend(
                    (f"by {name}", Model.read_group, (domain, [name], [name]))
                    for name in fnames
                    if Model._fields[name].type == "many2one"
                )
                for what, check, args in checks:
                    with self.subTest(model=model, user=key, check=what):
                        self.assertEqual(bool(readable), finds, f"what {key} finds of {model}")
                        if denied and what != "export":
                            with self.assertRaises(AccessError):
                                check(*args)
                            continue
                        self.assertNoSecret(check(*args), key, f"{model} {what}")
                with self.subTest(model=model, user=key, check="name_search"):
                    self.assertNoSecret(
                        Model.name_search("Zeta", limit=None), key, f"{model} name_search"
                    )

    def test_host_labels_are_neutral_where_hidden_and_real_where_allowed(self):
        """Activities on partners are read by every internal user: their links to a hidden
        operation or step are named neutrally for those who may not see it, really for those
        who may; their summaries never carry the names."""
        hidden_activities = self.activities.filtered(
            lambda a: a.marketing_operation_id in self.hidden
        )
        for key in ("user", "internal", "user_b", "insider", "manager"):
            env = self.env_of(key)
            allowed = key in ALLOWED
            readable = env["mail.activity"].search([("id", "in", hidden_activities.ids)])
            self.assertEqual(readable, hidden_activities.with_env(env), key)
            for activity in readable:
                values = activity.read(["summary", "marketing_operation_id", "marketing_step_id"])[
                    0
                ]
                operation, step = (
                    activity.sudo().marketing_operation_id,
                    activity.sudo().marketing_step_id,
                )
                self.assertEqual(
                    values["marketing_operation_id"],
                    (operation.id, operation.name if allowed else "Confidential operation"),
                    key,
                )
                self.assertEqual(
                    values["marketing_step_id"],
                    (step.id, step.name if allowed else "Confidential step"),
                    key,
                )
                self.assertEqual(
                    values["summary"], f"Confidential operation {operation.id}: Confidential step"
                )
            groups = env["mail.activity"].read_group(
                [("id", "in", self.activities.ids)],
                ["marketing_operation_id"],
                ["marketing_operation_id"],
            )
            labels = {
                g["marketing_operation_id"][0]: g["marketing_operation_id"][1] for g in groups
            }
            for operation in self.hidden:
                self.assertEqual(
                    labels[operation.id],
                    operation.name if allowed else "Confidential operation",
                    key,
                )
            self.assertEqual(labels[self.public.id], "Zeta Public Fair", key)
            exported = self.export(
                readable,
                ["marketing_operation_id", "marketing_step_id"],
                key,
            )
            if allowed:
                self.assertEqual(
                    {tuple(row) for row in exported},
                    {
                        (a.marketing_operation_id.name, a.marketing_step_id.name)
                        for a in hidden_activities
                    },
                    key,
                )
            else:
                self.assertNoSecret(exported, key, "activities export")
        # the superuser sees the real names; the UTM campaigns of hidden operations never do
        self.assertEqual(
            hidden_activities.sudo().marketing_operation_id.mapped("display_name"),
            self.hidden.mapped("name"),
        )
        for operation in self.hidden:
            campaign = operation.utm_campaign_id.with_env(self.env_of("manager"))
            self.assertEqual(campaign.title, f"Confidential operation {operation.id}")
            self.assertEqual(campaign.display_name, f"Confidential operation {operation.id}")

    def test_events_of_hidden_operations_are_private(self):
        hidden_events = self.events.filtered(lambda e: e.marketing_operation_id in self.hidden)
        self.assertEqual(set(hidden_events.mapped("privacy")), {"private"})
        self.assertFalse(
            [name for name in hidden_events.mapped("name") if "Zeta" in name],
            "event names carry no step name",
        )
        env = self.env_of("internal")
        for event in hidden_events.with_env(env):
            values = event.read(["name", "marketing_operation_id", "marketing_step_id"])[0]
            self.assertEqual(values["name"], "Busy")
            self.assertFalse(values["marketing_operation_id"])
        public_event = (self.events - hidden_events).filtered(
            lambda e: e.marketing_operation_id == self.public
        )[:1]
        self.assertEqual(
            public_event.with_env(env).read(["marketing_operation_id"])[0][
                "marketing_operation_id"
            ],
            (self.public.id, "Zeta Public Fair"),
        )

    def test_operation_utm_campaign_cannot_be_deleted(self):
        """Not by an Email Marketing user, nor by the administrator: the operation keeps it,
        and the refusal names the operation as its reader may see it."""
        mailer = new_test_user(
            self.env, "mo_sweep_mailer", groups="mass_mailing.group_mass_mailing_user"
        )
        admin = self.env.ref("base.user_admin")
        for user, secret_name in (
            (mailer, "Confidential operation"),
            (admin, "Zeta Secret Merger"),
        ):
            for operation, name in ((self.public, "Zeta Public Fair"), (self.secret, secret_name)):
                campaign = operation.utm_campaign_id.with_user(user)
                with self.assertRaises(UserError) as caught:
                    campaign.unlink()
                self.assertIn(name, str(caught.exception), user.login)
                if user == mailer:
                    self.assertNoSecret(str(caught.exception), "user", "refusal")
                self.assertTrue(campaign.exists())
                self.assertEqual(operation.utm_campaign_id, campaign)

    def test_neutral_names_are_set_based(self):
        """Naming confidential operations costs the same few queries for 2 or 20 of them."""
        operations = self.env["marketing.operation"].create(
            [{"name": f"Zeta Secret {index}", "is_confidential": True} for index in range(20)]
        )
        env = self.env_of("user")

        def read_names(records):
            names = records.with_env(env).sudo().mapped("display_name")
            self.assertEqual(set(names), {"Confidential operation"})

        # the first reading caches the access rules and rights of the user
        assert_same_queries(self, read_names, operations[:2], operations, warm=operations[:1])
