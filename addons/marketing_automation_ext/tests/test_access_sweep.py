"""What each kind of user gets from every model of the addon (and the host models it adds fields
to), through the ORM calls the web client makes. One row per model: a model without a row fails
the sweep, so a new model is never left out."""

import uuid

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, MarketingAutomationCommon

MODULE = "marketing_automation_ext"
ALL, NONE, DENIED = "all", "none", "denied"
KINDS = ("user", "manager", "internal", "mailing_user", "other_company", "portal", "public")
NO_ACCESS = (DENIED, "")

# model: {kind: (what the search and read calls give on a record of company A: ALL it, NONE
#         (hidden by a rule), DENIED; what may be done: c(reate) w(rite) u(nlink))}
# "other_company" is an automation user of company B only; "mailing_user" an Email Marketing
# user without automation rights.
EXPECTED = {
    "marketing.automation.campaign": {
        "user": (ALL, "cw"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.activity": {
        "user": (ALL, "cwu"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.participant": {
        "user": (ALL, "cw"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.trace": {
        "user": (ALL, "cw"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.template": {
        "user": (ALL, ""),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (ALL, ""),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    # wizards: each user sees the wizards they opened only (the fixtures are the admin's)
    "marketing.automation.test.run": {
        "user": (NONE, "c"),
        "manager": (NONE, "c"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.campaign.enrol": {
        "user": (NONE, "c"),
        "manager": (NONE, "c"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.dry.run": {
        "user": (NONE, "c"),
        "manager": (NONE, "c"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.dry.run.line": {
        "user": (NONE, "c"),
        "manager": (NONE, "c"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    # host models we add fields to: the host's rights, and our fields do not break them
    "mailing.mailing": {
        "user": (ALL, "cwu"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": (ALL, "cwu"),
        "other_company": (ALL, "cwu"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "mailing.trace": {
        "user": (ALL, "cwu"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": (ALL, "cwu"),
        "other_company": (ALL, "cwu"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "sms.tracker": dict.fromkeys(KINDS, NO_ACCESS),
    # the settings (global sending pace): administrators only, as every host setting
    "res.config.settings": dict.fromkeys(KINDS, NO_ACCESS),
    # responses: as participants; the import wizard: as the other wizards
    "marketing.automation.response": {
        "user": (ALL, "cw"),
        "manager": (ALL, "cwu"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    "marketing.automation.response.import": {
        "user": (NONE, "c"),
        "manager": (NONE, "c"),
        "internal": NO_ACCESS,
        "mailing_user": NO_ACCESS,
        "other_company": (NONE, "c"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    # the host's rights on contacts (our response count is for automation users only)
    "res.partner": {
        "user": (ALL, ""),
        "manager": (ALL, ""),
        "internal": (ALL, ""),
        "mailing_user": (ALL, ""),
        "other_company": (ALL, ""),
        "portal": (NONE, ""),
        "public": (NONE, ""),
    },
    # incoming mail servers hold passwords: administrators only, as in the host
    "fetchmail.server": dict.fromkeys(KINDS, NO_ACCESS),
    # everyone internal reads and writes UTM campaigns; owned ones are never deleted (see
    # test_campaign_utm), free ones by Email Marketing users
    "utm.campaign": {
        "user": (ALL, "cwu"),
        "manager": (ALL, "cwu"),
        "internal": (ALL, "cw"),
        "mailing_user": (ALL, "cwu"),
        "other_company": (ALL, "cwu"),
        "portal": NO_ACCESS,
        "public": NO_ACCESS,
    },
    # marketing lists: the host's rights on mailing lists, for their sources too
    "marketing.automation.list.source": {
        **dict.fromkeys(("user", "manager", "mailing_user", "other_company"), (ALL, "cwu")),
        **dict.fromkeys(("internal", "portal", "public"), NO_ACCESS),
    },
    "mailing.list": {
        **dict.fromkeys(("user", "manager", "mailing_user", "other_company"), (ALL, "cwu")),
        **dict.fromkeys(("internal", "portal", "public"), NO_ACCESS),
    },
    "mailing.subscription": {
        **dict.fromkeys(("user", "manager", "mailing_user", "other_company"), (ALL, "cwu")),
        **dict.fromkeys(("internal", "portal", "public"), NO_ACCESS),
    },
}


class _Rollback(Exception):
    pass


@tagged("post_install", "-at_install")
class TestAccessSweep(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        prefix = f"{MODULE}.{MODULE}_group_"
        export = "base.group_allow_export,"
        cls.company_b = cls.env["res.company"].create({"name": "Sweep company B"})
        cls.sweep_users = {
            "user": new_test_user(cls.env, "sweep_user", groups=export + prefix + "user"),
            "manager": new_test_user(cls.env, "sweep_manager", groups=export + prefix + "manager"),
            "internal": new_test_user(cls.env, "sweep_internal", groups=export + "base.group_user"),
            "mailing_user": new_test_user(
                cls.env, "sweep_mailing", groups=export + "mass_mailing.group_mass_mailing_user"
            ),
            "other_company": new_test_user(
                cls.env,
                "sweep_other_company",
                groups=export + prefix + "user",
                company_id=cls.company_b.id,
                company_ids=[(6, 0, cls.company_b.ids)],
            ),
            "portal": new_test_user(cls.env, "sweep_portal", groups="base.group_portal"),
            "public": new_test_user(cls.env, "sweep_public", groups="base.group_public"),
        }
        # a campaign of company A that ran: activity, participants, traces, mailing traces
        cls.campaign = cls.env["marketing.automation.campaign"].create(
            {
                "name": "Sweep campaign A",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "domain": repr([("id", "in", cls.partners.ids)]),
            }
        )
        cls.email = cls.env["marketing.automation.activity"].create(
            {"name": "Sweep email", "campaign_id": cls.campaign.id, "activity_type": "email"}
        )
        cls.follow_up = cls.env["marketing.automation.activity"].create(
            {
                "name": "Sweep follow-up",
                "campaign_id": cls.campaign.id,
                "parent_id": cls.email.id,
                "trigger_type": "mail_not_open",
                "interval_number": 3,
                "interval_type": "days",
                "activity_type": "tags_add",
                "partner_category_ids": [(6, 0, cls.tag_vip.ids)],
            }
        )
        body = "<p>Hello <t t-out='object.name'/></p>"
        cls.email.mailing_id.write({"body_arch": body, "body_html": body})
        cls.campaign.action_start()
        cls.campaign._enrol_participants()
        traces = cls.email.trace_ids
        traces._execute()
        cls.participant = cls.campaign.participant_ids[0]
        cls.trace = cls.follow_up.trace_ids.filtered(lambda t: t.participant_id == cls.participant)
        cls.mailing_trace = cls.email.trace_ids.filtered(
            lambda t: t.participant_id == cls.participant
        ).mailing_trace_ids
        cls.sms_tracker = (
            cls.env["sms.tracker"]
            .sudo()
            .create({"sms_uuid": uuid.uuid4().hex, "mailing_trace_id": cls.mailing_trace.id})
        )
        cls.dry_run = cls.env["marketing.automation.dry.run"].create(
            {"campaign_id": cls.campaign.id}
        )
        cls.test_run = cls.env["marketing.automation.test.run"].create(
            {"campaign_id": cls.campaign.id}
        )
        cls.manual_enrol = cls.env["marketing.automation.campaign.enrol"].create(
            {
                "res_model": "res.partner",
                "res_ids": cls.partners.ids,
                "campaign_id": cls.campaign.id,
            }
        )
        cls.template = cls.env["marketing.automation.template"].search([], limit=1)
        cls.response = (
            cls.env["marketing.automation.response"]
            .sudo()
            .create(
                {
                    "participant_id": cls.participant.id,
                    "campaign_id": cls.campaign.id,
                    "kind": "imported",
                    "body": "<p>Sweep response</p>",
                }
            )
        )
        cls.response_import = cls.env["marketing.automation.response.import"].create(
            {"campaign_id": cls.campaign.id}
        )
        cls.fetchmail_server = (
            cls.env["fetchmail.server"]
            .sudo()
            .create({"name": "Sweep server", "server": "imap.sweep.test", "server_type": "imap"})
        )
        cls.mailing_list = cls.env["mailing.list"].create(
            {
                "name": "Sweep list",
                "marketing_source_ids": [
                    (0, 0, {"model_id": cls.env["ir.model"]._get_id("res.partner"), "domain": "[]"})
                ],
            }
        )
        cls.subscription = cls.env["mailing.subscription"].create(
            {
                "list_id": cls.mailing_list.id,
                "contact_id": cls.env["mailing.contact"].create({"email": "sweep@list.test"}).id,
                "marketing_source_ref": f"res.partner,{cls.partners[0].id}",
            }
        )
        # what users of company B create in: a campaign of their own
        cls.campaign_b = (
            cls.env["marketing.automation.campaign"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Sweep campaign B",
                    "model_id": cls.env["ir.model"]._get_id("res.partner"),
                    "company_id": cls.company_b.id,
                }
            )
        )
        cls.activity_b = cls.env["marketing.automation.activity"].create(
            {"name": "B tags", "campaign_id": cls.campaign_b.id, "activity_type": "tags_add"}
        )

    # ------------------------------------------------------------------ PER MODEL

    def _fixture(self, model):
        if model == "res.config.settings":
            return self.env[model].create({})
        return {
            "marketing.automation.campaign": self.campaign,
            "marketing.automation.activity": self.follow_up,
            "marketing.automation.participant": self.participant,
            "marketing.automation.trace": self.trace,
            "marketing.automation.template": self.template,
            "marketing.automation.test.run": self.test_run,
            "marketing.automation.campaign.enrol": self.manual_enrol,
            "marketing.automation.dry.run": self.dry_run,
            "marketing.automation.dry.run.line": self.dry_run.line_ids[:1],
            "mailing.mailing": self.email.mailing_id,
            "mailing.trace": self.mailing_trace,
            "sms.tracker": self.sms_tracker,
            "marketing.automation.response": self.response,
            "marketing.automation.response.import": self.response_import,
            "res.partner": self.partners[0],
            "fetchmail.server": self.fetchmail_server,
            "utm.campaign": self.campaign.utm_campaign_id,
            "marketing.automation.list.source": self.mailing_list.marketing_source_ids,
            "mailing.list": self.mailing_list,
            "mailing.subscription": self.subscription,
        }[model]

    def _create_values(self, model, user):
        """Values a user creates a record of ``model`` with, in the user's company."""
        campaign = self.campaign_b if user.company_id == self.company_b else self.campaign
        activity = self.activity_b if campaign == self.campaign_b else self.follow_up
        partner = self._create_partners(1, prefix=f"sweep {uuid.uuid4().hex[:6]}")
        unique = uuid.uuid4().hex[:8]
        if model == "marketing.automation.trace":
            participant = (
                self.env["marketing.automation.participant"]
                .sudo()
                .create(
                    {"campaign_id": campaign.id, "res_model": "res.partner", "res_id": partner.id}
                )
            )
            return {
                "participant_id": participant.id,
                "activity_id": activity.id,
                "schedule_date": NOW,
            }
        if model == "marketing.automation.dry.run.line":
            # a line of the user's own dry run (the admin's for who cannot open one)
            dry_run = self.dry_run
            if user.has_group(f"{MODULE}.{MODULE}_group_user"):
                dry_run = dry_run.with_user(user).create({"campaign_id": campaign.id})
            return {"dry_run_id": dry_run.id, "activity_id": activity.id}
        if model == "marketing.automation.response":
            participant = (
                self.env["marketing.automation.participant"]
                .sudo()
                .create(
                    {"campaign_id": campaign.id, "res_model": "res.partner", "res_id": partner.id}
                )
            )
            return {
                "participant_id": participant.id,
                "campaign_id": campaign.id,
                "kind": "imported",
            }
        return {
            "marketing.automation.campaign": {
                "name": f"Sweep {unique}",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
            },
            "marketing.automation.activity": {
                "name": f"Sweep {unique}",
                "campaign_id": campaign.id,
                "activity_type": "tags_add",
            },
            "marketing.automation.participant": {
                "campaign_id": campaign.id,
                "res_model": "res.partner",
                "res_id": partner.id,
            },
            "marketing.automation.template": {"name": unique, "key": unique},
            "marketing.automation.test.run": {"campaign_id": campaign.id},
            "marketing.automation.campaign.enrol": {
                "res_model": "res.partner",
                "res_ids": partner.ids,
                "campaign_id": campaign.id,
            },
            "marketing.automation.dry.run": {"campaign_id": campaign.id},
            "mailing.mailing": {
                "subject": unique,
                "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            },
            "mailing.trace": {
                "model": "res.partner",
                "res_id": partner.id,
                "trace_type": "mail",
                "email": partner.email,
            },
            "sms.tracker": {
                "sms_uuid": uuid.uuid4().hex,
                "mailing_trace_id": self.mailing_trace.id,
            },
            "res.config.settings": {},
            "marketing.automation.response.import": {"campaign_id": campaign.id},
            "res.partner": {"name": f"Sweep {unique}"},
            "fetchmail.server": {
                "name": unique,
                "server": "imap.sweep.test",
                "server_type": "imap",
            },
            "utm.campaign": {"title": unique},
            "marketing.automation.list.source": {
                "list_id": self.mailing_list.id,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
            },
            "mailing.list": {"name": unique},
            "mailing.subscription": {
                "list_id": self.mailing_list.id,
                "contact_id": self.env["mailing.contact"].create({"email": f"{unique}@test"}).id,
            },
        }[model]

    def _write_values(self, model):
        return {
            "marketing.automation.campaign": {"name": "Sweep renamed"},
            "marketing.automation.activity": {"name": "Sweep renamed"},
            "marketing.automation.participant": {"enrol_date": NOW},
            "marketing.automation.trace": {"state_msg": "Sweep"},
            "marketing.automation.template": {"name": "Sweep renamed"},
            "marketing.automation.test.run": {"res_id": self.partners[0].id},
            "marketing.automation.campaign.enrol": {"res_ids": self.partners[:1].ids},
            "marketing.automation.dry.run": {"entering_count": 1},
            "marketing.automation.dry.run.line": {"note": "Sweep"},
            "mailing.mailing": {"subject": "Sweep renamed"},
            "mailing.trace": {"email": "sweep@test.example.com"},
            "sms.tracker": {"sms_uuid": uuid.uuid4().hex},
            "res.config.settings": {"marketing_automation_pressure_cap": 2},
            "marketing.automation.response": {"body": "<p>Sweep renamed</p>"},
            "marketing.automation.response.import": {"file_name": "sweep.csv"},
            "res.partner": {"name": "Sweep renamed"},
            "fetchmail.server": {"name": "Sweep renamed"},
            "utm.campaign": {"title": "Sweep renamed"},
            "marketing.automation.list.source": {"sequence": 3},
            "mailing.list": {"name": "Sweep renamed"},
            "mailing.subscription": {"opt_out": True},
        }[model]

    def _disposable(self, model):
        """A record of company A that may be deleted (nothing depends on it)."""
        if model == "marketing.automation.campaign":
            return self.env[model].create(self._create_values(model, self.env.user))
        if model == "marketing.automation.activity":
            return self.env[model].create(
                {"name": "Disposable", "campaign_id": self.campaign.id, "activity_type": "tags_add"}
            )
        if model in ("marketing.automation.participant", "marketing.automation.trace"):
            values = self._create_values(model, self.env.user)
            return self.env[model].sudo().create(values).with_env(self.env)
        if model == "marketing.automation.template":
            return self.env[model].create(self._create_values(model, self.env.user))
        if model == "mailing.mailing":
            return self.env[model].create(self._create_values(model, self.env.user))
        if model in (
            "mailing.trace",
            "sms.tracker",
            "utm.campaign",
            "marketing.automation.list.source",
            "mailing.list",
            "mailing.subscription",
        ):
            return self.env[model].sudo().create(self._create_values(model, self.env.user))
        if model in ("marketing.automation.response", "res.partner", "fetchmail.server"):
            return self.env[model].sudo().create(self._create_values(model, self.env.user))
        # wizards: the fixture, opened by its creator
        return self._fixture(model)

    # ------------------------------------------------------------------ CHECKS

    def _succeeds(self, func, refusal=AccessError):
        """True when ``func`` runs, False when it is refused; nothing it does is kept."""
        try:
            with self.env.cr.savepoint():
                func()
                raise _Rollback
        except _Rollback:
            return True
        except refusal:
            return False
        finally:
            self.env.invalidate_all()

    def _read_fields(self, model):
        """All the fields of our models; of a host model, the fields we add (the host answers
        for its own)."""
        if model.startswith("marketing.automation."):
            return None
        fields = self.env["ir.model.fields"].search([("model", "=", model)])
        ours = fields.filtered(lambda f: MODULE in (f.modules or "").split(", "))
        return ["display_name", *ours.mapped("name")]

    def _check_reads(self, model, user, record, expected):
        Model = self.env[model].with_user(user)
        mine = record.with_user(user)
        label = f"{model} as {user.login}"
        fnames = self._read_fields(model)
        if fnames:
            # the fields a user may not read are left out, as the web client leaves them out
            fnames = [name for name in fnames if Model._fields[name].is_accessible(Model.env)]
        if expected == DENIED:
            calls = [
                ("search_read", lambda: Model.search_read([("id", "=", record.id)], fnames)),
                ("read", lambda: mine.read(fnames)),
                ("read_group", lambda: Model.read_group([], ["id:count"], [])),
                ("export_data", lambda: mine.export_data(["display_name"])),
            ]
            if not Model._transient:  # nothing searches wizards by name
                calls.append(("name_search", lambda: Model.name_search("")))
            for name, call in calls:
                # exporting is refused with a UserError to users without the export right
                refusal = UserError if name == "export_data" else AccessError
                self.assertFalse(self._succeeds(call, refusal), f"{label}: {name} must be refused")
            return
        found = Model.search_read([("id", "=", record.id)], fnames)
        self.assertEqual(len(found), 1 if expected == ALL else 0, f"{label}: search_read")
        self.assertEqual(
            self._succeeds(lambda: mine.read(fnames)), expected == ALL, f"{label}: read"
        )
        self.assertEqual(
            self._succeeds(lambda: mine.export_data(["display_name"]), UserError),
            expected == ALL,
            f"{label}: export_data",
        )
        if not Model._transient:  # nothing searches wizards by name
            names = Model.name_search("", limit=None)
            self.assertEqual(
                record.id in [row[0] for row in names], expected == ALL, f"{label}: name_search"
            )
        for fname, field in Model._fields.items():
            if not (
                field.type == "many2one"
                and field.comodel_name.startswith("marketing.automation.")
                and field.store
                and field.is_accessible(Model.env)
            ):
                continue
            value = record.sudo()[fname]
            groups = Model.read_group([], [fname], [fname])
            values = {group[fname][0] for group in groups if group[fname]}
            if value:
                self.assertEqual(
                    value.id in values, expected == ALL, f"{label}: read_group by {fname}"
                )
            # a group label never names what the user cannot read
            readable = (
                self.env[field.comodel_name].with_user(user).search([("id", "in", list(values))])
            )
            for group in groups:
                if group[fname] and group[fname][0] not in readable.ids:
                    self.assertNotEqual(
                        group[fname][1],
                        self.env[field.comodel_name].browse(group[fname][0]).display_name,
                        f"{label}: read_group label of {fname}",
                    )

    def _check_writes(self, model, user, record, allowed):
        label = f"{model} as {user.login}"
        Model = self.env[model].with_user(user)
        self.assertEqual(
            self._succeeds(lambda: Model.create(self._create_values(model, user))),
            "c" in allowed,
            f"{label}: create",
        )
        self.assertEqual(
            self._succeeds(lambda: record.with_user(user).write(self._write_values(model))),
            "w" in allowed,
            f"{label}: write",
        )
        disposable = self._disposable(model)
        self.assertEqual(
            self._succeeds(lambda: disposable.with_user(user).unlink()),
            "u" in allowed,
            f"{label}: unlink",
        )

    # ------------------------------------------------------------------ TESTS

    def test_every_model_has_a_row(self):
        model_ids = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.model")]
        )
        models = set(self.env["ir.model"].browse(model_ids.mapped("res_id")).mapped("model"))
        # abstract models (mail.thread) have no records to sweep
        models = {model for model in models if not self.env[model]._abstract}
        self.assertFalse(models - set(EXPECTED), "models without a row in the access sweep")
        self.assertFalse(set(EXPECTED) - models, "rows of models the addon no longer has")
        for model, row in EXPECTED.items():
            self.assertEqual(set(row), set(KINDS), f"{model}: one expectation per kind of user")

    def test_access_sweep(self):
        for model, row in EXPECTED.items():
            record = self._fixture(model)
            self.assertTrue(record, f"{model}: the sweep needs a record")
            for kind in KINDS:
                user = self.sweep_users[kind]
                expected_read, allowed = row[kind]
                with self.subTest(model=model, kind=kind):
                    self._check_reads(model, user, record, expected_read)
                    self._check_writes(model, user, record, allowed)

    def test_company_b_user_sees_and_enrols_within_company_b(self):
        user_b = self.sweep_users["other_company"]
        foreign = self._create_partners(1, prefix="sweep B partner")
        foreign.company_id = self.company_b
        partner_a = self._create_partners(1, prefix="sweep A partner")
        partner_a.company_id = self.env.company
        campaign = (
            self.env["marketing.automation.campaign"]
            .with_user(user_b)
            .create(
                {
                    "name": "B campaign",
                    "model_id": self.env["ir.model"]._get_id("res.partner"),
                    "domain": repr([("id", "in", (self.partners | foreign | partner_a).ids)]),
                }
            )
        )
        self.assertEqual(campaign.company_id, self.company_b)
        self._create_activity(campaign.with_user(user_b), "Tags", activity_type="tags_add")
        with self.mock_datetime_and_now(NOW):
            campaign.with_user(user_b).action_start()
            self.env["marketing.automation.campaign"]._cron_enrol()
        # the partners of company A stay out; shared partners (no company) enter
        entered = set(campaign.participant_ids.mapped("res_id"))
        self.assertEqual(entered, set((self.partners | foreign).ids))
        for model in (
            "marketing.automation.activity",
            "marketing.automation.participant",
            "marketing.automation.trace",
        ):
            visible = self.env[model].with_user(user_b).search([])
            self.assertTrue(visible, model)
            self.assertEqual(visible.company_id, self.company_b, model)

    def test_email_marketing_users_see_no_automation_field(self):
        """The host's users without automation rights read mailings and their traces whole,
        without the automation records behind them."""
        mailing_user = self.sweep_users["mailing_user"]
        for model, fname in (
            ("mailing.mailing", "marketing_activity_ids"),
            ("mailing.trace", "marketing_trace_id"),
        ):
            self.assertNotIn(fname, self.env[model].with_user(mailing_user).fields_get(), model)
            self.assertIn(fname, self.env[model].with_user(self.sweep_users["user"]).fields_get())
        mailing = self.email.mailing_id.with_user(mailing_user)
        self.assertTrue(mailing.read())

    def test_labels_of_company_a_records_are_neutral_for_company_b(self):
        """Host records visible across companies (mailing traces) point to our records: their
        labels, computed as superuser, do not name what the reader may not open."""
        user_b, user_a = self.sweep_users["other_company"], self.sweep_users["user"]
        trace_b = self.mailing_trace.with_user(user_b)
        self.assertEqual(
            trace_b.read(["marketing_trace_id"])[0]["marketing_trace_id"][1], "Restricted"
        )
        # exporting the column reads the automation trace itself: refused, not leaked
        with self.assertRaises(AccessError):
            trace_b.export_data(["marketing_trace_id"])
        self.assertEqual(trace_b.export_data(["display_name"])["datas"], [[trace_b.display_name]])
        groups = (
            self.env["mailing.trace"]
            .with_user(user_b)
            .read_group(
                [("id", "=", self.mailing_trace.id)], ["marketing_trace_id"], ["marketing_trace_id"]
            )
        )
        self.assertEqual([group["marketing_trace_id"][1] for group in groups], ["Restricted"])
        trace_a = self.mailing_trace.with_user(user_a)
        self.assertEqual(
            trace_a.read(["marketing_trace_id"])[0]["marketing_trace_id"][1],
            self.mailing_trace.marketing_trace_id.display_name,
        )
        self.assertNotEqual(self.mailing_trace.marketing_trace_id.display_name, "Restricted")
