"""What an activity does when its traces run: the records checked against its filter, then
its action: emails and SMS queued through the host's mailing, server actions, scheduled
activities, tags and leads; the traces marked and what follows them planned."""

from dateutil.relativedelta import relativedelta

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ...tools.triggers import NOT_TRIGGER_FIELDS


class MarketingAutomationActivityExecution(models.Model):
    _inherit = "marketing.automation.activity"

    # ------------------------------------------------------------------ RUN

    def _execute_traces(self, traces, res_by_trace):
        """Run this activity for ``traces`` (scheduled, of this activity; ``res_by_trace`` maps
        each to its record id): reject the records that are gone or no longer match the filter,
        act on the others, mark them processed and schedule the children that follow at once or
        wait for the absence of an event."""
        self.ensure_one()
        now = fields.Datetime.now()
        Model = self.env[self.campaign_id.model_name].with_context(active_test=False)
        res_ids = list({res_by_trace[trace_id] for trace_id in traces.ids})
        matching_ids = set(
            Model._search([("id", "in", res_ids), *self._get_filter_domain()]).get_result_ids()
        )
        existing_ids = matching_ids
        if len(matching_ids) < len(res_ids):
            existing_ids = set(Model.browse(res_ids).exists().ids)
        gone, unmatched, to_run = [], [], []
        for trace_id in traces.ids:
            res_id = res_by_trace[trace_id]
            if res_id not in existing_ids:
                gone.append(trace_id)
            elif res_id not in matching_ids:
                unmatched.append(trace_id)
            else:
                to_run.append(trace_id)
        traces.browse(gone)._set_rejected(_("The record no longer exists."), now)
        traces.browse(unmatched)._set_rejected(
            _("The record no longer matches the activity filter."), now
        )
        if not to_run:
            return
        to_run = traces.browse(to_run)
        rejected = getattr(self, f"_execute_{self.activity_type}")(to_run, res_by_trace) or {}
        done = to_run
        for message, rejected_traces in rejected.items():
            rejected_traces._set_rejected(message, now)
            done -= rejected_traces
        done._set_processed(now)
        done._schedule_next_runs(self)
        followers = self.child_ids.filtered(
            lambda a: a.trigger_type == "activity" or a.trigger_type in NOT_TRIGGER_FIELDS
        )
        if done and followers:
            self.env["marketing.automation.trace"]._schedule(
                followers, done.participant_id, now, done
            )

    def _get_records(self, traces, res_by_trace):
        return self.env[self.campaign_id.model_name].browse(
            [res_by_trace[trace_id] for trace_id in traces.ids]
        )

    def _execute_email(self, traces, res_by_trace):
        """Render the mailing for all records at once and queue its mails with their mailing
        traces in bulk, so that the host's tracking pixel and shortened links apply."""
        mailing = self.mailing_id.sudo()
        records = self._get_records(traces, res_by_trace)
        emails, blacklisted = self.env["mailing.mailing"]._get_automation_emails(records)
        if emails is None:
            return {_("The target has no email field."): traces}
        no_email, excluded, to_send = [], [], []
        for trace_id in traces.ids:
            email = emails.get(res_by_trace[trace_id])
            if not email:
                no_email.append(trace_id)
            elif email in blacklisted:
                excluded.append(trace_id)
            else:
                to_send.append(trace_id)
        if to_send:
            author = self.campaign_id.user_id.partner_id or self.env.user.partner_id
            mailing._queue_automation_mails(
                traces.browse(to_send),
                self.env[self.campaign_id.model_name].browse(
                    [res_by_trace[trace_id] for trace_id in to_send]
                ),
                emails,
                author.id,
            )
        return {
            _("The record has no email address."): traces.browse(no_email),
            _("The email address is blacklisted."): traces.browse(excluded),
        }

    def _execute_sms(self, traces, res_by_trace):
        """Queue one SMS per record with its mailing trace and tracker, links shortened."""
        return self.mailing_id.sudo()._queue_automation_sms(
            traces, res_by_trace, self._get_records(traces, res_by_trace)
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
