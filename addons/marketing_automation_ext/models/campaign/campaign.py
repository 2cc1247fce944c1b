"""The campaign: its storage, its figures, its life (start, stop, copy), its filter, its time
zone and the errors its crons record. How records enter it is ``enrolment.py``; its sending
pace, ``pace.py``; the responses of its participants, ``responses.py``."""

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression

from ...tools.filter_domain import FilterDomainError, parse_filter_domain
from ..mailing_mailing import NO_RECIPIENT_DOMAIN

METRIC_FIELDS = (
    "scheduled",
    "processed",
    "rejected",
    "sent",
    "opened",
    "clicked",
    "replied",
    "bounced",
)


class MarketingAutomationCampaign(models.Model):
    _name = "marketing.automation.campaign"
    _description = "Automated Marketing Campaign"
    _inherit = ["mail.thread", "marketing.automation.restricted.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    state = fields.Selection(
        [("draft", "New"), ("running", "Running"), ("stopped", "Stopped")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users", string="Responsible", default=lambda self: self.env.user, tracking=True
    )
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        required=True,
        ondelete="restrict",
        readonly=True,
        copy=False,
        index=True,
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Target",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env["ir.model"]._get("res.partner"),
        domain="[('is_mail_thread', '=', True), ('transient', '=', False)]",
    )
    model_name = fields.Char(related="model_id.model", string="Target Model", store=True)
    domain = fields.Char(string="Filter", default="[]", required=True)
    unique_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="set null",
        domain="[('model_id', '=', model_id), ('store', '=', True),"
        " ('ttype', 'in', ('char', 'integer', 'many2one', 'selection'))]",
        help="Records sharing the same value of this field enter the campaign once.",
    )
    activity_ids = fields.One2many("marketing.automation.activity", "campaign_id", copy=True)
    participant_ids = fields.One2many("marketing.automation.participant", "campaign_id")
    last_sync_date = fields.Datetime(string="Last Enrolment", readonly=True, copy=False)
    last_error = fields.Text(
        readonly=True,
        copy=False,
        help="Why the last run of the scheduler failed for this campaign; cleared when it "
        "succeeds again. The other campaigns are not affected.",
    )
    last_error_date = fields.Datetime(readonly=True, copy=False)
    last_error_origin = fields.Selection(
        [("enrol", "Enrolment"), ("execute", "Execution")], readonly=True, copy=False
    )
    record_count = fields.Integer(string="Records", compute="_compute_record_count")
    participant_count = fields.Integer(compute="_compute_participant_counts")
    running_participant_count = fields.Integer(compute="_compute_participant_counts")
    completed_participant_count = fields.Integer(compute="_compute_participant_counts")
    test_participant_count = fields.Integer(compute="_compute_participant_counts")
    link_click_count = fields.Integer(string="Clicks", compute="_compute_link_click_count")
    scheduled_count = fields.Integer(string="Scheduled", compute="_compute_metrics")
    processed_count = fields.Integer(string="Processed", compute="_compute_metrics")
    rejected_count = fields.Integer(string="Rejected", compute="_compute_metrics")
    sent_count = fields.Integer(string="Sent", compute="_compute_metrics")
    opened_count = fields.Integer(string="Opened", compute="_compute_metrics")
    clicked_count = fields.Integer(string="Clicked", compute="_compute_metrics")
    replied_count = fields.Integer(string="Replied", compute="_compute_metrics")
    bounced_count = fields.Integer(string="Bounced", compute="_compute_metrics")

    def _get_restricted_name_depends(self):
        return ["name"]

    # ------------------------------------------------------------------ COMPUTES

    @api.depends("model_name", "domain")
    def _compute_record_count(self):
        for campaign in self:
            if not campaign.model_name or campaign.model_name not in self.env:
                campaign.record_count = 0
                continue
            try:
                campaign.record_count = self.env[campaign.model_name].search_count(
                    campaign._get_target_domain()
                )
            except (ValueError, SyntaxError, UserError):
                campaign.record_count = 0

    def _compute_participant_counts(self):
        data = self.env["marketing.automation.participant"]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state", "is_test"],
            ["__count"],
        )
        counts = {}
        for campaign, state, is_test, count in data:
            key = "test" if is_test else state
            counts.setdefault(campaign.id, {}).setdefault(key, 0)
            counts[campaign.id][key] += count
        for campaign in self:
            values = counts.get(campaign.id, {})
            campaign.running_participant_count = values.get("running", 0)
            campaign.completed_participant_count = values.get("completed", 0)
            campaign.test_participant_count = values.get("test", 0)
            campaign.participant_count = sum(
                count for key, count in values.items() if key != "test"
            )

    def _compute_metrics(self):
        metrics = self.env["marketing.automation.trace"]._get_metrics(
            "campaign_id", [("campaign_id", "in", self.ids)]
        )
        for campaign in self:
            values = metrics.get(campaign.id, {})
            for metric in METRIC_FIELDS:
                campaign[f"{metric}_count"] = values.get(metric, 0)

    def _compute_link_click_count(self):
        Click = self.env["link.tracker.click"].sudo()
        domain = [("campaign_id", "in", self.utm_campaign_id.ids)]
        counts = dict(Click._read_group(domain, ["campaign_id"], ["__count"]))
        # clicks of test runs stay out of the statistics
        tests = dict(
            Click._read_group(
                [*domain, ("mailing_trace_id.marketing_trace_id.is_test", "=", True)],
                ["campaign_id"],
                ["__count"],
            )
        )
        for campaign in self:
            utm = campaign.utm_campaign_id
            campaign.link_click_count = counts.get(utm, 0) - tests.get(utm, 0)

    # ------------------------------------------------------------------ CONSTRAINTS

    @api.constrains("domain", "model_id")
    def _check_domain(self):
        for campaign in self:
            campaign._get_filter_domain(check_model=True)
        # the activity filters are searched on the target too
        self.activity_ids._check_domain()

    @api.constrains("model_id")
    def _check_model_unchanged(self):
        data = self.env["marketing.automation.participant"]._read_group(
            [("campaign_id", "in", self.ids)], ["campaign_id", "res_model"]
        )
        for campaign, res_model in data:
            if res_model != campaign.model_name:
                raise ValidationError(
                    _(
                        "The target of campaign %(name)s cannot change once it has participants.",
                        name=campaign.name,
                    )
                )

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        missing = [vals for vals in vals_list if not vals.get("utm_campaign_id")]
        utm_campaigns = (
            self.env["utm.campaign"]
            .sudo()
            .create([self._prepare_utm_campaign_values(vals) for vals in missing])
        )
        for vals, utm_campaign in zip(missing, utm_campaigns, strict=True):
            vals["utm_campaign_id"] = utm_campaign.id
        return super().create(vals_list)

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            # an archived campaign sends nothing more
            self.filtered(lambda c: c.state == "running").action_stop()
        res = super().write(vals)
        if vals.get("name"):
            self._sync_utm_campaign()
        if vals.get("model_id"):
            # the mailings render on the campaign's records
            self.activity_ids.mailing_id.sudo().write(
                {"mailing_model_id": vals["model_id"], "mailing_domain": NO_RECIPIENT_DOMAIN}
            )
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for campaign, vals in zip(self, vals_list, strict=False):
            if "name" not in (default or {}):
                vals["name"] = _("%(name)s (copy)", name=campaign.name)
            # activities are copied with their tree by _copy_activities
            vals.pop("activity_ids", None)
        return vals_list

    def copy(self, default=None):
        new_campaigns = super().copy(default=default)
        for campaign, new_campaign in zip(self, new_campaigns, strict=False):
            campaign.activity_ids.filtered(lambda a: not a.parent_id)._copy_tree(new_campaign)
        return new_campaigns

    @api.model
    def _prepare_utm_campaign_values(self, vals):
        """Values of the UTM campaign that a new campaign created with ``vals`` owns."""
        return {"title": vals.get("name") or _("Automated campaign"), "is_auto_campaign": True}

    def _sync_utm_campaign(self):
        """Give the UTM campaigns these campaigns own their name (whoever renames them: the
        owner decides the name of its UTM campaign)."""
        for campaign in self:
            utm_campaign = campaign.utm_campaign_id.sudo()
            if utm_campaign and utm_campaign.title != campaign.name:
                utm_campaign.title = campaign.name

    @api.ondelete(at_uninstall=False)
    def _unlink_except_running(self):
        if any(campaign.state == "running" for campaign in self):
            raise UserError(_("Stop a running campaign before deleting it."))

    # ------------------------------------------------------------------ ACTIONS

    def action_start(self):
        for campaign in self:
            if not campaign.activity_ids:
                raise UserError(_("Campaign %(name)s has no activity to run.", name=campaign.name))
            no_action = campaign.activity_ids.filtered(
                lambda a: a.activity_type == "server_action" and not a.has_server_action
            )
            if no_action:
                raise UserError(
                    _(
                        "Activity %(name)s runs a server action but has none: an automation "
                        "manager must choose it before the campaign starts.",
                        name=no_action[0].name,
                    )
                )
        self.write({"state": "running"})
        # the scheduled traces that stopping canceled are not revived: the campaign goes on
        # with the participants it enrols from now on
        self.env.ref(
            "marketing_automation_ext.ir_cron_marketing_automation_campaign_enrol"
        )._trigger()
        return True

    def action_stop(self):
        self.write({"state": "stopped"})
        traces = self.env["marketing.automation.trace"].search(
            [("campaign_id", "in", self.ids), ("state", "=", "scheduled")]
        )
        traces.write(
            {"state": "canceled", "state_msg": _("The campaign was stopped.")},
        )
        self.env["marketing.automation.participant"].search(
            [("campaign_id", "in", self.ids), ("state", "=", "running")]
        ).write({"state": "completed"})
        return True

    def action_set_draft(self):
        self.filtered(lambda c: c.state == "stopped").write({"state": "draft"})
        return True

    def action_sync_participants(self):
        self._enrol_participants()
        return True

    def action_view_participants(self):
        return self._action_view("marketing_automation_ext.marketing_automation_participant_action")

    def action_view_test_participants(self):
        action = self._action_view(
            "marketing_automation_ext.marketing_automation_participant_action"
        )
        action["domain"] = expression.AND([action["domain"], [("is_test", "=", True)]])
        action["context"] = dict(action["context"], search_default_filter_test=1)
        return action

    def action_view_traces(self):
        return self._action_view("marketing_automation_ext.marketing_automation_trace_action")

    def action_view_clicks(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "link_tracker.link_tracker_click_action_statistics"
        )
        action["domain"] = [("campaign_id", "=", self.utm_campaign_id.id)]
        action["context"] = {}
        return action

    def _action_view(self, xmlid):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_test_run(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Test run"),
            "res_model": "marketing.automation.test.run",
            "view_mode": "form",
            "target": "new",
            "context": {"default_campaign_id": self.id},
        }

    def action_dry_run(self):
        self.ensure_one()
        wizard = self.env["marketing.automation.dry.run"].create({"campaign_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "name": _("Dry run"),
            "res_model": "marketing.automation.dry.run",
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    # ------------------------------------------------------------------ BUSINESS

    def _dry_run(self):
        """{'entering': n, 'activities': {activity id: {'reached': n, 'note': text}}}: the
        records that would enter now (as enrolment picks them) and, for each activity, those
        that would reach it: matching its filter, having reached its parent, and, below an
        email, having an address that is not blacklisted (the others are rejected there).
        Activities that wait for an event count the records that could reach them (upper
        bound); so do those below an SMS, whose numbers are checked when it runs."""
        self.ensure_one()
        Model = self.env[self.model_name].with_context(active_test=False)
        entering_ids = self._get_enrol_candidate_ids()
        result = {"entering": len(entering_ids), "activities": {}}
        reached, upper_bound = {}, {}
        for activity in self.activity_ids.sorted("path"):
            parent = activity.parent_id
            source = reached[parent.id] if parent else set(entering_ids)
            ids = set()
            if source:
                domain = expression.AND(
                    [[("id", "in", list(source))], activity._get_filter_domain()]
                )
                ids = set(Model.search(domain).ids)
            if activity.activity_type == "email" and ids:
                emails, blacklisted = self.env["mailing.mailing"]._get_automation_emails(
                    Model.browse(list(ids))
                )
                ids = {
                    record_id
                    for record_id in ids
                    if emails and emails.get(record_id) and emails[record_id] not in blacklisted
                }
            reached[activity.id] = ids
            upper_bound[activity.id] = (
                upper_bound.get(parent.id, False)
                or activity.trigger_type not in ("begin", "activity")
                or activity.activity_type == "sms"
            )
            note = (
                _("At most: depends on how participants react.") if upper_bound[activity.id] else ""
            )
            result["activities"][activity.id] = {"reached": len(ids), "note": note}
        return result

    def _get_filter_domain(self, check_model=False):
        """The campaign filter as a domain; raise a readable error when it is malformed (with
        ``check_model``, also when it cannot be searched on the target)."""
        self.ensure_one()
        model = None
        if check_model and self.model_name:
            if self.model_name not in self.env:
                raise ValidationError(
                    _("The target of campaign %(name)s is not installed.", name=self.name)
                )
            model = self.env[self.model_name]
        try:
            return parse_filter_domain(self.env, self.domain, model)
        except FilterDomainError as error:
            raise ValidationError(
                _(
                    "The filter of campaign %(name)s is not valid: %(reason)s",
                    name=self.name,
                    reason=str(error),
                )
            ) from error

    def _get_schedule_tz(self):
        """The time zone calendar dates and sending hours of the campaign are read in: its
        company's, else its responsible's, else UTC."""
        self.ensure_one()
        tz = self.company_id.partner_id.tz or self.user_id.tz or "UTC"
        return pytz.timezone(tz) if tz in pytz.all_timezones_set else pytz.utc

    def _get_target_domain(self):
        """The filter, within the campaign's company for targets that belong to a company:
        the enrolment cron runs as superuser and must not reach other companies' records."""
        domain = self._get_filter_domain()
        if "company_id" in self.env[self.model_name]._fields:
            domain = expression.AND([domain, [("company_id", "in", [False, self.company_id.id])]])
        return domain

    # ------------------------------------------------------------------ CRON ERRORS

    def _set_cron_error(self, origin, message):
        """Record on these campaigns why a scheduler run failed for them (``origin``:
        ``enrol`` or ``execute``), for their form to show it."""
        self.sudo().write(
            {
                "last_error": message,
                "last_error_date": fields.Datetime.now(),
                "last_error_origin": origin,
            }
        )

    def _clear_cron_error(self, origin):
        """The run of ``origin`` succeeded: forget the error it had recorded."""
        failed = self.filtered(lambda c: c.last_error_origin == origin)
        if failed:
            failed.sudo().write(
                {"last_error": False, "last_error_date": False, "last_error_origin": False}
            )
