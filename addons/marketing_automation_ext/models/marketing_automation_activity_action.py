"""What the record activities do to the records of a campaign: server actions, scheduled
activities, tags and leads; and who may choose a server action."""

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command

from .marketing_automation_activity import SERVER_ACTION_GROUP


class MarketingAutomationActivity(models.Model):
    _inherit = "marketing.automation.activity"

    # ------------------------------------------------------------------ SERVER ACTION RIGHTS

    @api.model
    def _may_set_server_action(self):
        """Server actions run as superuser: only automation managers choose them."""
        return self.env.su or self.env.user.has_group(SERVER_ACTION_GROUP)

    def _get_stored_server_actions(self):
        """{activity id: id of its server action (or False)}, as superuser."""
        return {activity.id: activity.sudo().server_action_id.id for activity in self}

    def _check_server_action_rights(self, actions_before=None):
        """Refuse, for who may not choose server actions, that these activities hold a server
        action other than the one they held before (``actions_before``, see
        ``_get_stored_server_actions``; none for new activities). Checked on the stored
        records, after defaults, copies and commands applied."""
        if self._may_set_server_action():
            return
        actions_before = actions_before or {}
        changed = self.filtered(
            lambda a: a.sudo().server_action_id.id != actions_before.get(a.id, False)
        )
        if changed:
            raise AccessError(
                _(
                    "Only automation managers may set or change the server action of an "
                    "activity (%(name)s).",
                    name=changed[0].name,
                )
            )

    # ------------------------------------------------------------------ RECORD ACTIONS

    def _get_tag_field(self):
        """The many2many tag field of the target model, and the tags of this activity for it."""
        self.ensure_one()
        Model = self.env[self.campaign_id.model_name]
        for fname in ("tag_ids", "category_id"):
            field = Model._fields.get(fname)
            if field and field.type == "many2many":
                if field.comodel_name == "res.partner.category":
                    return fname, self.partner_category_ids
                if field.comodel_name == "crm.tag":
                    return fname, self.crm_tag_ids
        raise ValidationError(
            _(
                "The records of %(model)s have no tags that an activity can set.",
                model=self.campaign_id.model_id.name,
            )
        )

    def _execute_server_action(self, traces, res_by_trace):
        action = self.sudo().server_action_id
        if not action:
            raise UserError(_("Activity %(name)s has no server action.", name=self.name))
        records = self._get_records(traces, res_by_trace)
        action.with_context(
            active_model=records._name, active_ids=records.ids, active_id=records.ids[0]
        ).run()
        return {}

    def _execute_schedule_activity(self, traces, res_by_trace):
        records = self._get_records(traces, res_by_trace)
        model_id = self.env["ir.model"]._get_id(records._name)
        if "activity_ids" not in records._fields:
            raise UserError(
                _("The records of this campaign cannot hold activities."),
            )
        fallback_user = self.mail_activity_user_id or self.campaign_id.user_id or self.env.user
        deadlines = {}
        vals_list = []
        for record in records:
            user = fallback_user
            if self.mail_activity_user_mode == "salesperson" and "user_id" in record._fields:
                user = record.user_id or fallback_user
            if user.tz not in deadlines:
                # the deadline is a day of the assignee, not of the server running the cron
                today = fields.Date.context_today(self.with_context(tz=user.tz or "UTC"))
                deadlines[user.tz] = today + relativedelta(days=self.mail_activity_deadline_days)
            deadline = deadlines[user.tz]
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "activity_type_id": self.mail_activity_type_id.id,
                    "summary": self.mail_activity_summary,
                    "note": self.mail_activity_note,
                    "user_id": user.id,
                    "date_deadline": deadline,
                }
            )
        self.env["mail.activity"].sudo().create(vals_list)
        return {}

    def _execute_tags_add(self, traces, res_by_trace):
        fname, tags = self._get_tag_field()
        self._get_records(traces, res_by_trace).sudo().write(
            {fname: [Command.link(t.id) for t in tags]}
        )
        return {}

    def _execute_tags_remove(self, traces, res_by_trace):
        fname, tags = self._get_tag_field()
        self._get_records(traces, res_by_trace).sudo().write(
            {fname: [Command.unlink(t.id) for t in tags]}
        )
        return {}

    def _execute_create_lead(self, traces, res_by_trace):
        records = self._get_records(traces, res_by_trace)
        Model = records.browse()
        email_fname = Model._mail_get_primary_email_field()
        vals_list = []
        for record in records:
            partner = self.env["res.partner"]
            if record._name == "res.partner":
                partner = record
            elif "partner_id" in record._fields:
                partner = record.partner_id
            vals = {
                "name": _(
                    "%(campaign)s: %(record)s",
                    campaign=self.campaign_id.name,
                    record=record.display_name,
                ),
                "type": self.lead_type,
                "priority": self.lead_priority,
                "partner_id": partner.id,
                "campaign_id": self.campaign_id.utm_campaign_id.id,
                "team_id": self.lead_team_id.id,
                "company_id": self.campaign_id.company_id.id,
            }
            if email_fname and record[email_fname]:
                vals["email_from"] = record[email_fname]
            if "user_id" in record._fields and record.user_id:
                vals["user_id"] = record.user_id.id
            vals_list.append(vals)
        self.env["crm.lead"].sudo().create(vals_list)
        return {}
