"""Every feature of automated campaigns, tried by an Automation User and an Automation Manager
who have no other right than Employee: one row per feature, one column per group, each cell
ALLOWED or the refusal the user gets (its message names the group that may do it, in words the
user knows, never an internal model). A feature without a row, or a row without a cell, fails."""

import base64
from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .common import NOW, MarketingAutomationCommon

GROUP = "marketing_automation_ext.marketing_automation_ext_group_"
ALLOWED = "allowed"
# a refusal: the XML id of the group its message names
MANAGER = "marketing_automation_ext.marketing_automation_ext_group_manager"
SETTINGS = "base.group_system"
ADMIN = "administrator"  # configuration an administrator does (a mail server): said in words

TABLE = {
    # campaigns
    "campaign: create": {"user": ALLOWED, "manager": ALLOWED},
    "campaign: open with every activity": {"user": ALLOWED, "manager": ALLOWED},
    "campaign: duplicate": {"user": ALLOWED, "manager": ALLOWED},
    "campaign: delete": {"user": MANAGER, "manager": ALLOWED},
    # activity types
    "activity: email": {"user": ALLOWED, "manager": ALLOWED},
    "activity: sms": {"user": ALLOWED, "manager": ALLOWED},
    "activity: server action": {"user": MANAGER, "manager": ALLOWED},
    "activity: schedule an activity": {"user": ALLOWED, "manager": ALLOWED},
    "activity: add tags": {"user": ALLOWED, "manager": ALLOWED},
    "activity: remove tags": {"user": ALLOWED, "manager": ALLOWED},
    "activity: create a lead": {"user": ALLOWED, "manager": ALLOWED},
    "activity: delete": {"user": ALLOWED, "manager": ALLOWED},
    # schedule modes
    "schedule: delay from enrolment": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: delay from the parent": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: delay from a record date": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: on a fixed date": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: every year": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: plan of runs": {"user": ALLOWED, "manager": ALLOWED},
    "schedule: recurrence since the last delivery": {"user": ALLOWED, "manager": ALLOWED},
    # enrol and leave rules
    "enrol: by filter": {"user": ALLOWED, "manager": ALLOWED},
    "enrol: on change, and leave": {"user": ALLOWED, "manager": ALLOWED},
    "enrol: manually": {"user": ALLOWED, "manager": ALLOWED},
    "enrol: re-entry": {"user": ALLOWED, "manager": ALLOWED},
    "leave: remove a participant": {"user": ALLOWED, "manager": ALLOWED},
    "participant: delete": {"user": MANAGER, "manager": ALLOWED},
    # templates
    "template: create a campaign from each": {"user": ALLOWED, "manager": ALLOWED},
    "template: edit": {"user": MANAGER, "manager": ALLOWED},
    # runs
    "test run, step by step": {"user": ALLOWED, "manager": ALLOWED},
    "dry run": {"user": ALLOWED, "manager": ALLOWED},
    "start": {"user": ALLOWED, "manager": ALLOWED},
    "stop": {"user": ALLOWED, "manager": ALLOWED},
    # marketing lists
    "marketing list: sources and refresh": {"user": ALLOWED, "manager": ALLOWED},
    # responses
    "response: record by hand": {"user": ALLOWED, "manager": ALLOWED},
    "response: import a file": {"user": ALLOWED, "manager": ALLOWED},
    "response: check the mail servers": {"user": ADMIN, "manager": ADMIN},
    "response: delete": {"user": MANAGER, "manager": ALLOWED},
    # pace, window, pressure cap
    "campaign pace and sending window": {"user": ALLOWED, "manager": ALLOWED},
    "global pace and pressure cap": {"user": SETTINGS, "manager": SETTINGS},
}


@tagged("post_install", "-at_install")
class TestFeatureAccess(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.actors = {
            kind: new_test_user(
                cls.env,
                f"feature_{kind}",
                groups=f"base.group_user,{GROUP}{kind}",
                email=f"{kind}@feature.example.com",
            )
            for kind in ("user", "manager")
        }
        cls.env.company.email = "company@feature.example.com"
        cls.contact_action = cls.env["ir.actions.server"].create(
            {
                "name": "Mark as contacted",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "records.write({'comment': 'contacted'})",
            }
        )
        cls.activity_type = cls.env.ref("mail.mail_activity_data_call")

    # ------------------------------------------------------------------ HELPERS

    def _campaign(self, env, **values):
        return env["marketing.automation.campaign"].create(
            {
                "name": "Feature campaign",
                "model_id": env["ir.model"].search([("model", "=", "res.partner")]).id,
                "domain": repr([("id", "in", self.partners.ids)]),
                **values,
            }
        )

    def _activity(self, env, campaign, **values):
        activity = env["marketing.automation.activity"].create(
            {
                "name": values.pop("name", "Feature activity"),
                "campaign_id": campaign.id,
                "trigger_type": "begin",
                "activity_type": "email",
                **values,
            }
        )
        if activity.activity_type == "email":
            activity.mailing_id.write({"body_arch": "<p>Hi</p>", "body_html": "<p>Hi</p>"})
        return activity

    def _reopen(self, records):
        """Read back as the form does after a save."""
        records.invalidate_recordset()
        return records.web_read({name: {} for name in ("display_name", "schedule_summary")})

    def _running(self, env, **values):
        campaign = self._campaign(env, **values)
        self._activity(env, campaign)
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            campaign.sudo()._enrol_participants()  # as the enrolment cron does
        return campaign

    # ------------------------------------------------------------------ FEATURES

    def _all_activities(self, env, campaign):
        created = env["marketing.automation.activity"]
        for values in (
            {"activity_type": "email"},
            {"activity_type": "sms", "mailing_body_plaintext": "Hi"},
            {"activity_type": "schedule_activity", "mail_activity_type_id": self.activity_type.id},
            {"activity_type": "tags_add", "partner_category_ids": [(6, 0, self.tag_vip.ids)]},
            {"activity_type": "create_lead"},
        ):
            created |= self._activity(env, campaign, **values)
        if env.user.has_group(MANAGER):
            # as the dropdown of the activity form offers it to a manager
            action = env["ir.actions.server"].search([("id", "=", self.contact_action.id)])
            self.assertEqual(action, self.contact_action)
            created |= self._activity(
                env, campaign, activity_type="server_action", server_action_id=action.id
            )
        created |= self._activity(
            env, campaign, anchor_field_id=self._date_field(env, "create_date").id
        )
        return created

    def _date_field(self, env, name):
        """A date of the campaign's records, as the activity form's dropdown offers it."""
        found = env["ir.model.fields"].name_search(
            "",
            [
                ("model", "=", "res.partner"),
                ("ttype", "in", ("date", "datetime")),
                ("store", "=", True),
            ],
            limit=None,
        )
        fields = env["ir.model.fields"].browse([field_id for field_id, _label in found])
        self.assertIn("create_date", fields.mapped("name"))
        return fields.filtered(lambda field: field.name == name)

    def feature_campaign_create(self, env):
        self._campaign(env)

    def feature_campaign_open(self, env):
        campaign = self._campaign(env)
        self._all_activities(env, campaign)
        campaign.invalidate_recordset()
        campaign.web_read(
            {
                "display_name": {},
                "activity_ids": {
                    "fields": {
                        "schedule_summary": {},
                        "anchor_field_id": {"fields": {"display_name": {}}},
                        "activity_type": {},
                    }
                },
            }
        )

    def feature_campaign_duplicate(self, env):
        campaign = self._campaign(env)
        self._activity(env, campaign, anchor_field_id=self._date_field(env, "create_date").id)
        campaign.copy()

    def feature_campaign_delete(self, env):
        self._campaign(env).unlink()

    def feature_activity(self, env, **values):
        campaign = self._campaign(env)
        self._reopen(self._activity(env, campaign, **values))

    def feature_activity_server_action(self, env):
        # the user is given the action by id: the dropdown does not offer it to them
        self.feature_activity(
            env, activity_type="server_action", server_action_id=self.contact_action.id
        )

    def feature_activity_delete(self, env):
        campaign = self._campaign(env)
        self._activity(env, campaign).unlink()

    def feature_schedule_from_parent(self, env):
        campaign = self._campaign(env)
        parent = self._activity(env, campaign)
        child = self._activity(
            env,
            campaign,
            parent_id=parent.id,
            trigger_type="mail_open",
            interval_number=3,
            interval_type="days",
        )
        self._reopen(child)

    def feature_schedule_record_date(self, env):
        campaign = self._campaign(env)
        activity = self._activity(
            env,
            campaign,
            interval_number=2,
            interval_type="months",
            anchor_field_id=self._date_field(env, "create_date").id,
        )
        self.assertEqual(
            self._reopen(activity)[0]["schedule_summary"], "2 months after the record's Created on"
        )
        with self.mock_datetime_and_now(NOW):
            campaign.action_start()
            campaign.sudo()._enrol_participants()
        self.assertEqual(len(activity.trace_ids), len(self.partners))

    def feature_enrol(self, env, **values):
        campaign = self._running(env, **values)
        self.assertEqual(len(campaign.participant_ids), len(self.partners))
        return campaign

    def feature_enrol_on_change(self, env):
        campaign = self.feature_enrol(env, enrol_on_change=True)
        partner = self.partners[0]
        with self.mock_datetime_and_now(NOW):
            campaign.domain = repr([("id", "in", (self.partners - partner).ids)])
            partner.with_user(self.env.user).write({"name": "changed"})

    def feature_enrol_manually(self, env):
        campaign = self._running(env, enrol_manually=True, enrol_by_filter=False)
        wizard = (
            env["marketing.automation.campaign.enrol"]
            .with_context(active_model="res.partner", active_ids=self.partners[:2].ids)
            .create({"campaign_id": campaign.id})
        )
        with self.mock_datetime_and_now(NOW):
            wizard.action_enrol()
        self.assertEqual(len(campaign.participant_ids), 2)

    def feature_remove_participant(self, env):
        campaign = self._running(env)
        campaign.participant_ids[0].action_remove()

    def feature_delete_participant(self, env):
        self._running(env).participant_ids[0].unlink()

    def feature_templates(self, env):
        templates = env["marketing.automation.template"].search([])
        self.assertGreaterEqual(len(templates), 6)
        for template in templates:
            action = template.action_create_campaign()
            campaign = env["marketing.automation.campaign"].browse(action["res_id"])
            self.assertTrue(campaign.activity_ids, template.key)
            self._reopen(campaign.activity_ids)

    def feature_template_edit(self, env):
        env["marketing.automation.template"].search([], limit=1).write({"name": "Renamed"})

    def feature_test_run(self, env):
        campaign = self._campaign(env)
        self._activity(env, campaign)
        wizard = env["marketing.automation.test.run"].create({"campaign_id": campaign.id})
        wizard.record_ref = f"res.partner,{self.partners[0].id}"
        with self.mock_mail_gateway():
            action = wizard.action_start()
            participant = env["marketing.automation.participant"].browse(action["res_id"])
            participant.action_run_next_test_step()
        self.assertEqual(participant.trace_ids.mapped("state"), ["processed"])

    def feature_dry_run(self, env):
        campaign = self._campaign(env)
        self._activity(env, campaign)
        wizard = env["marketing.automation.dry.run"].create({"campaign_id": campaign.id})
        self.assertEqual(wizard.entering_count, len(self.partners))

    def feature_start(self, env):
        self.assertEqual(self._running(env).state, "running")

    def feature_stop(self, env):
        campaign = self._running(env)
        campaign.action_stop()
        self.assertEqual(campaign.state, "stopped")

    def feature_marketing_list(self, env):
        mailing_list = env["mailing.list"].create(
            {
                "name": "Feature list",
                "marketing_source_ids": [
                    (
                        0,
                        0,
                        {
                            "model_id": env["ir.model"].search([("model", "=", "res.partner")]).id,
                            "domain": repr([("id", "in", self.partners.ids)]),
                        },
                    )
                ],
            }
        )
        mailing_list.action_refresh_marketing_sources()
        self.assertEqual(mailing_list.contact_count, len(self.partners))

    def feature_response_by_hand(self, env):
        campaign = self._running(env)
        env["marketing.automation.response"].create(
            {
                "campaign_id": campaign.id,
                "participant_id": campaign.participant_ids[0].id,
                "kind": "imported",
                "body": "Call me",
            }
        )

    def _response_import(self, env):
        campaign = self._running(env)
        content = f"E-mail,Date,Text\n{self.partners[0].email},2026-03-03 10:15,Interested\n"
        wizard = env["marketing.automation.response.import"].create(
            {
                "campaign_id": campaign.id,
                "file": base64.b64encode(content.encode()),
                "file_name": "responses.csv",
            }
        )
        wizard.action_preview()
        wizard.action_import()
        return campaign

    def feature_response_import(self, env):
        self.assertEqual(self._response_import(env).response_count, 1)

    def feature_response_fetch(self, env):
        self._running(env).action_update_responses()

    def feature_response_delete(self, env):
        self._response_import(env).response_ids.unlink()

    def feature_campaign_pace(self, env):
        campaign = self._campaign(env)
        campaign.write(
            {
                "send_batch_size": 100,
                "send_batch_interval": 30,
                "send_window_enabled": True,
                "send_window_start": 9.0,
                "send_window_end": 17.0,
                "send_saturday": False,
            }
        )

    def feature_global_pace(self, env):
        env["res.config.settings"].create(
            {
                "marketing_automation_send_batch_size": 50,
                "marketing_automation_pressure_cap": 3,
            }
        ).execute()

    def _features(self):
        return {
            "campaign: create": self.feature_campaign_create,
            "campaign: open with every activity": self.feature_campaign_open,
            "campaign: duplicate": self.feature_campaign_duplicate,
            "campaign: delete": self.feature_campaign_delete,
            "activity: email": lambda env: self.feature_activity(env),
            "activity: sms": lambda env: self.feature_activity(
                env, activity_type="sms", mailing_body_plaintext="Hi"
            ),
            "activity: server action": self.feature_activity_server_action,
            "activity: schedule an activity": lambda env: self.feature_activity(
                env,
                activity_type="schedule_activity",
                mail_activity_type_id=self.activity_type.id,
            ),
            "activity: add tags": lambda env: self.feature_activity(
                env, activity_type="tags_add", partner_category_ids=[(6, 0, self.tag_vip.ids)]
            ),
            "activity: remove tags": lambda env: self.feature_activity(
                env, activity_type="tags_remove", partner_category_ids=[(6, 0, self.tag_vip.ids)]
            ),
            "activity: create a lead": lambda env: self.feature_activity(
                env, activity_type="create_lead", lead_type="opportunity"
            ),
            "activity: delete": self.feature_activity_delete,
            "schedule: delay from enrolment": lambda env: self.feature_activity(
                env, interval_number=3, interval_type="days"
            ),
            "schedule: delay from the parent": self.feature_schedule_from_parent,
            "schedule: delay from a record date": self.feature_schedule_record_date,
            "schedule: on a fixed date": lambda env: self.feature_activity(
                env, schedule_mode="date", schedule_date=datetime(2026, 6, 1, 8, 0)
            ),
            "schedule: every year": lambda env: self.feature_activity(
                env, schedule_mode="yearly", schedule_date=datetime(2026, 10, 1, 7, 0)
            ),
            "schedule: plan of runs": lambda env: self.feature_activity(
                env, recurrence_interval=90, recurrence_unit="days", recurrence_count=4
            ),
            "schedule: recurrence since the last delivery": lambda env: self.feature_activity(
                env,
                recurrence_interval=3,
                recurrence_unit="months",
                recurrence_since="last_delivery",
            ),
            "enrol: by filter": lambda env: self.feature_enrol(env, enrol_by_filter=True),
            "enrol: on change, and leave": self.feature_enrol_on_change,
            "enrol: manually": self.feature_enrol_manually,
            "enrol: re-entry": lambda env: self.feature_enrol(env, allow_reentry=True),
            "leave: remove a participant": self.feature_remove_participant,
            "participant: delete": self.feature_delete_participant,
            "template: create a campaign from each": self.feature_templates,
            "template: edit": self.feature_template_edit,
            "test run, step by step": self.feature_test_run,
            "dry run": self.feature_dry_run,
            "start": self.feature_start,
            "stop": self.feature_stop,
            "marketing list: sources and refresh": self.feature_marketing_list,
            "response: record by hand": self.feature_response_by_hand,
            "response: import a file": self.feature_response_import,
            "response: check the mail servers": self.feature_response_fetch,
            "response: delete": self.feature_response_delete,
            "campaign pace and sending window": self.feature_campaign_pace,
            "global pace and pressure cap": self.feature_global_pace,
        }

    # ------------------------------------------------------------------ THE TABLE

    def _try(self, feature, kind):
        """None when the feature ran to its end, else the message of the refusal."""
        user = self.actors[kind]
        # as a request of the web client: in the user's language
        env = self.env(user=user, context={**self.env.context, "lang": user.lang})
        self.assertFalse(env.su)
        try:
            with self.cr.savepoint():
                self._features()[feature](env)
        except UserError as error:  # AccessError and ValidationError included
            return str(error)
        return None

    def _check_refusal(self, feature, kind, expected, message):
        self.assertIsNotNone(message, f"{feature} as {kind}: allowed, expected refused")
        if expected == ADMIN:
            self.assertIn("administrator", message)
        else:
            group = self.env.ref(expected).with_user(self.actors[kind]).sudo()
            # as the user reads it: the category and the group, with or without spaces
            names = {group.full_name, group.full_name.replace(" / ", "/")}
            self.assertTrue(
                any(name in message for name in names),
                f"{feature} as {kind}: the message names {group.full_name}: {message}",
            )
        self.assertNotIn("ir.", message, "no internal model")

    def test_every_feature_has_its_row(self):
        self.assertEqual(set(self._features()), set(TABLE))
        for feature, row in TABLE.items():
            self.assertEqual(set(row), set(self.actors), feature)

    def test_feature_table(self):
        tried = 0
        for feature, row in TABLE.items():
            for kind, expected in row.items():
                with self.subTest(feature=feature, group=kind):
                    tried += 1
                    message = self._try(feature, kind)
                    if expected == ALLOWED:
                        self.assertIsNone(message, f"{feature} as {kind}: {message}")
                    else:
                        self._check_refusal(feature, kind, expected, message)
        self.assertEqual(tried, len(TABLE) * 2)

    def test_refusals_in_the_users_language(self):
        """The refusals of the table, read by users working in French: translated, and naming
        the group by its French name."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "in", ("base", "marketing_automation_ext"))]
        )._update_translations(["fr_FR"])
        refused = [
            (feature, kind, expected)
            for feature, row in TABLE.items()
            for kind, expected in row.items()
            if expected != ALLOWED
        ]
        english = {(feature, kind): self._try(feature, kind) for feature, kind, _e in refused}
        self.actors["user"].lang = self.actors["manager"].lang = "fr_FR"
        for feature, kind, expected in refused:
            with self.subTest(feature=feature, group=kind):
                message = self._try(feature, kind)
                self.assertNotEqual(message, english[feature, kind], "translated")
                if expected == ADMIN:
                    self.assertIn("administrateur", message)
                    continue
                group = self.env.ref(expected).with_context(lang="fr_FR").sudo()
                self.assertNotEqual(group.name, self.env.ref(expected).sudo().name)
                names = {group.full_name, group.full_name.replace(" / ", "/")}
                self.assertTrue(any(name in message for name in names), message)
