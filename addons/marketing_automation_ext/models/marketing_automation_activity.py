import uuid

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import SQL

from .filter_domain import FilterDomainError, parse_filter_domain
from .mailing_mailing import NO_RECIPIENT_DOMAIN
from .restricted_names import filtered_name_readable

SERVER_ACTION_GROUP = "marketing_automation_ext.marketing_automation_ext_group_manager"

TRACE_STATES = [
    ("scheduled", "Scheduled"),
    ("processed", "Processed"),
    ("rejected", "Rejected"),
    ("canceled", "Canceled"),
    ("error", "Error"),
]

INTERVAL_UNITS = [
    ("minutes", "Minutes"),
    ("hours", "Hours"),
    ("days", "Days"),
    ("weeks", "Weeks"),
    ("months", "Months"),
]

TRIGGERS = [
    ("begin", "Beginning of workflow"),
    ("activity", "After the parent activity"),
    ("mail_open", "Mail: opened"),
    ("mail_not_open", "Mail: not opened"),
    ("mail_click", "Mail: clicked"),
    ("mail_not_click", "Mail: not clicked"),
    ("mail_reply", "Mail: replied"),
    ("mail_not_reply", "Mail: not replied"),
    ("mail_bounce", "Mail: bounced"),
    ("sms_click", "SMS: clicked"),
    ("sms_not_click", "SMS: not clicked"),
    ("sms_bounce", "SMS: bounced"),
]

# event -> "not" trigger canceled when that event happens first
OPPOSITE_TRIGGERS = {
    "mail_open": ("mail_not_open",),
    "mail_click": ("mail_not_click", "mail_not_open"),
    "mail_reply": ("mail_not_reply", "mail_not_open"),
    "sms_click": ("sms_not_click",),
    # a message that bounced was never received: no follow-up goes to that address
    "mail_bounce": ("mail_not_open", "mail_not_click", "mail_not_reply"),
    "sms_bounce": ("sms_not_click",),
}
# "not" trigger -> the parent's tracking field that must stay empty for it to run
NOT_TRIGGER_FIELDS = {
    "mail_not_open": "open_datetime",
    "mail_not_click": "click_datetime",
    "mail_not_reply": "reply_datetime",
    "sms_not_click": "click_datetime",
}
EVENT_TRIGGERS = {"mail_open", "mail_click", "mail_reply", "mail_bounce", "sms_click", "sms_bounce"}
# event trigger -> the tracking field of the parent trace that records it
EVENT_FIELDS = {
    "mail_open": "open_datetime",
    "mail_click": "click_datetime",
    "mail_reply": "reply_datetime",
    "mail_bounce": "bounce_datetime",
    "sms_click": "click_datetime",
    "sms_bounce": "bounce_datetime",
}
PG_INTERVAL_UNITS = {
    "minutes": "mins",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
}


def interval_delta(number, unit):
    return relativedelta(**{unit: number or 0})


class MarketingAutomationActivity(models.Model):
    _name = "marketing.automation.activity"
    _description = "Automated Campaign Activity"
    _order = "path, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    campaign_id = fields.Many2one(
        "marketing.automation.campaign",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    campaign_state = fields.Selection(related="campaign_id.state", string="Campaign Status")
    model_name = fields.Char(related="campaign_id.model_name", string="Target Model")
    utm_campaign_id = fields.Many2one(related="campaign_id.utm_campaign_id")
    parent_id = fields.Many2one(
        "marketing.automation.activity",
        string="Parent Activity",
        ondelete="cascade",
        index=True,
        domain="[('campaign_id', '=', campaign_id), ('id', '!=', id)]",
    )
    child_ids = fields.One2many("marketing.automation.activity", "parent_id", string="Children")
    path = fields.Char(compute="_compute_path", store=True, recursive=True, index=True)
    depth = fields.Integer(compute="_compute_path", store=True, recursive=True)
    trigger_type = fields.Selection(
        TRIGGERS, string="Trigger", required=True, default="begin", index=True
    )
    interval_number = fields.Integer(string="Delay", default=0)
    interval_type = fields.Selection(
        INTERVAL_UNITS, string="Delay Unit", default="hours", required=True
    )
    validity_enabled = fields.Boolean(string="Expires")
    validity_number = fields.Integer(string="Cancel if not executed within", default=1)
    validity_type = fields.Selection(
        INTERVAL_UNITS, string="Expiry Unit", default="days", required=True
    )
    domain = fields.Char(
        string="Activity Filter",
        default="[]",
        required=True,
        help="Checked when the activity runs: records that no longer match are rejected.",
    )
    activity_type = fields.Selection(
        [
            ("email", "Email"),
            ("sms", "SMS"),
            ("server_action", "Server Action"),
            ("schedule_activity", "Schedule an Activity"),
            ("tags_add", "Add Tags"),
            ("tags_remove", "Remove Tags"),
            ("create_lead", "Create a Lead"),
        ],
        string="Action",
        required=True,
        default="email",
    )
    mailing_id = fields.Many2one(
        "mailing.mailing",
        ondelete="restrict",
        copy=False,
        domain="[('mailing_type', '=', mailing_type)]",
    )
    mailing_type = fields.Selection(
        [("mail", "Email"), ("sms", "SMS")], compute="_compute_mailing_type"
    )
    mailing_subject = fields.Char(related="mailing_id.subject", readonly=False)
    mailing_body_plaintext = fields.Text(
        related="mailing_id.body_plaintext", string="SMS Content", readonly=False
    )
    server_action_id = fields.Many2one(
        "ir.actions.server",
        ondelete="restrict",
        copy=False,  # copy_data decides: the copy's author must be allowed to choose it
        domain="[('model_id.model', '=', model_name)]",
        groups=SERVER_ACTION_GROUP,
    )
    has_server_action = fields.Boolean(compute="_compute_has_server_action")
    mail_activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type")
    mail_activity_summary = fields.Char(string="Summary", translate=True)
    mail_activity_note = fields.Html(string="Note", translate=True)
    mail_activity_deadline_days = fields.Integer(string="Due in (days)", default=0)
    mail_activity_user_mode = fields.Selection(
        [("salesperson", "Salesperson of the record"), ("user", "A given user")],
        string="Assign to",
        default="salesperson",
        required=True,
    )
    mail_activity_user_id = fields.Many2one("res.users", string="User")
    partner_category_ids = fields.Many2many("res.partner.category", string="Contact Tags")
    crm_tag_ids = fields.Many2many("crm.tag", string="Lead Tags")
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], default="lead", required=True
    )
    lead_team_id = fields.Many2one("crm.team", string="Sales Team")
    lead_priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        default="0",
    )
    trace_ids = fields.One2many("marketing.automation.trace", "activity_id")
    scheduled_count = fields.Integer(string="Scheduled", compute="_compute_metrics")
    processed_count = fields.Integer(string="Processed", compute="_compute_metrics")
    rejected_count = fields.Integer(string="Rejected", compute="_compute_metrics")
    sent_count = fields.Integer(string="Sent", compute="_compute_metrics")
    opened_count = fields.Integer(string="Opened", compute="_compute_metrics")
    clicked_count = fields.Integer(string="Clicked", compute="_compute_metrics")
    replied_count = fields.Integer(string="Replied", compute="_compute_metrics")
    bounced_count = fields.Integer(string="Bounced", compute="_compute_metrics")
    error_count = fields.Integer(string="Errors", compute="_compute_metrics")

    _sql_constraints = [
        ("interval_positive", "CHECK(interval_number >= 0)", "A delay cannot be negative."),
        (
            "validity_positive",
            "CHECK(validity_number > 0)",
            "The expiry delay must be positive.",
        ),
    ]

    @api.depends("name")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_display_name(self):
        hidden = self - filtered_name_readable(self)
        hidden.display_name = self.env._("Restricted")
        return super(MarketingAutomationActivity, self - hidden)._compute_display_name()

    # ------------------------------------------------------------------ COMPUTES

    @api.depends("sequence", "parent_id.path")
    def _compute_path(self):
        for activity in self:
            own = f"{activity.sequence:05d}-{activity._origin.id or 0:08d}"
            if activity.parent_id:
                activity.path = f"{activity.parent_id.path or ''}/{own}"
                activity.depth = activity.parent_id.depth + 1
            else:
                activity.path = own
                activity.depth = 0

    @api.depends("activity_type")
    def _compute_mailing_type(self):
        for activity in self:
            activity.mailing_type = "sms" if activity.activity_type == "sms" else "mail"

    @api.depends("server_action_id")
    def _compute_has_server_action(self):
        rows = self.sudo().read(["server_action_id"])
        has_action = {row["id"]: bool(row["server_action_id"]) for row in rows}
        for activity in self:
            activity.has_server_action = has_action.get(activity.id, False)

    def _compute_metrics(self):
        metrics = self.env["marketing.automation.trace"]._get_metrics(
            "activity_id", [("activity_id", "in", self.ids)]
        )
        for activity in self:
            values = metrics.get(activity.id, {})
            for metric in (
                "scheduled",
                "processed",
                "rejected",
                "sent",
                "opened",
                "clicked",
                "replied",
                "bounced",
                "error",
            ):
                activity[f"{metric}_count"] = values.get(metric, 0)

    # ------------------------------------------------------------------ CONSTRAINTS

    @api.constrains("parent_id", "trigger_type", "campaign_id")
    def _check_tree(self):
        if self._has_cycle():
            raise ValidationError(_("An activity cannot be its own ancestor."))
        for activity in self:
            parent = activity.parent_id
            if activity.trigger_type == "begin" and parent:
                raise ValidationError(
                    _(
                        "Activity %(name)s starts the workflow: it cannot have a parent.",
                        name=activity.name,
                    )
                )
            if activity.trigger_type != "begin" and not parent:
                raise ValidationError(
                    _(
                        "Activity %(name)s is triggered by its parent: choose a parent activity.",
                        name=activity.name,
                    )
                )
            if parent and parent.campaign_id != activity.campaign_id:
                raise ValidationError(
                    _("The parent of an activity must belong to the same campaign.")
                )
            if activity.trigger_type.startswith("mail_") and parent.activity_type != "email":
                raise ValidationError(
                    _(
                        "Activity %(name)s reacts to an email: its parent must send one.",
                        name=activity.name,
                    )
                )
            if activity.trigger_type.startswith("sms_") and parent.activity_type != "sms":
                raise ValidationError(
                    _(
                        "Activity %(name)s reacts to an SMS: its parent must send one.",
                        name=activity.name,
                    )
                )

    @api.constrains("activity_type", "mailing_id", "mail_activity_user_mode")
    def _check_action(self):
        for activity in self:
            if activity.activity_type in ("email", "sms"):
                if not activity.mailing_id:
                    raise ValidationError(
                        _("Activity %(name)s needs a mailing to send.", name=activity.name)
                    )
                if activity.mailing_id.mailing_type != activity.mailing_type:
                    raise ValidationError(
                        _(
                            "The mailing of activity %(name)s is not of the right kind.",
                            name=activity.name,
                        )
                    )
            if activity.activity_type == "schedule_activity":
                if not activity.mail_activity_type_id:
                    raise ValidationError(
                        _("Activity %(name)s needs an activity type.", name=activity.name)
                    )
                if (
                    activity.mail_activity_user_mode == "user"
                    and not activity.mail_activity_user_id
                ):
                    raise ValidationError(
                        _("Activity %(name)s needs a user to assign.", name=activity.name)
                    )
            if activity.activity_type in ("tags_add", "tags_remove"):
                activity._get_tag_field()

    @api.constrains("domain", "campaign_id")
    def _check_domain(self):
        for activity in self:
            activity._get_filter_domain(check_model=True)

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._prepare_mailing(vals)
        activities = super().create(vals_list)
        # what was stored counts, whatever brought it (values, context defaults, copies,
        # commands of the campaign)
        activities._check_server_action_rights()
        activities._mark_automation_mailings()
        activities._schedule_for_running_campaigns()
        return activities

    def write(self, vals):
        may_set_action = self._may_set_server_action()
        actions_before = None if may_set_action else self._get_stored_server_actions()
        moved = [
            name
            for name in ("trigger_type", "parent_id", "campaign_id")
            if name in vals
            and any(
                activity._fields[name].convert_to_write(activity[name], activity) != vals[name]
                for activity in self
            )
        ]
        if moved and self.trace_ids:
            raise UserError(
                _(
                    "Activity %(name)s has already been scheduled for participants: its trigger, "
                    "parent and campaign can no longer change. Add a new activity instead (it "
                    "reaches the participants already past its parent).",
                    name=self.filtered("trace_ids")[:1].name,
                )
            )
        if vals.get("mailing_id") is False and any(
            a.activity_type in ("email", "sms") for a in self
        ):
            raise ValidationError(_("An email or SMS activity needs a mailing."))
        if vals.get("activity_type") in ("email", "sms") and not vals.get("mailing_id"):
            # an activity turned into an email or SMS gets a mailing of the right kind
            mailing_type = "sms" if vals["activity_type"] == "sms" else "mail"
            for activity in self.filtered(lambda a: a.mailing_id.mailing_type != mailing_type):
                activity_vals = {
                    "activity_type": vals["activity_type"],
                    "campaign_id": activity.campaign_id.id,
                    "name": vals.get("name") or activity.name,
                }
                activity._prepare_mailing(activity_vals)
                super(MarketingAutomationActivity, activity).write(
                    {"mailing_id": activity_vals["mailing_id"]}
                )
        delay_changed = {"interval_number", "interval_type"} & set(vals)
        res = super().write(vals)
        if not may_set_action:
            self._check_server_action_rights(actions_before)
        if vals.get("mailing_id"):
            self._mark_automation_mailings()
        if delay_changed:
            self._reschedule_traces()
        return res

    def _mark_automation_mailings(self):
        """The mailings of activities are sent by the campaign only, to its participants."""
        self.mailing_id.filtered(lambda m: not m.is_automation_mailing).sudo().write(
            {"is_automation_mailing": True, "mailing_domain": NO_RECIPIENT_DOMAIN}
        )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for activity, vals in zip(self, vals_list, strict=False):
            if activity.mailing_id:
                vals["mailing_id"] = activity.mailing_id.copy({"is_automation_mailing": True}).id
            # a copy made by whom may not choose the server action runs none: an automation
            # manager chooses it again (the campaign does not start before)
            if activity.sudo().server_action_id and self._may_set_server_action():
                vals["server_action_id"] = activity.sudo().server_action_id.id
        return vals_list

    @api.ondelete(at_uninstall=False)
    def _unlink_except_executed(self):
        executed = self.env["marketing.automation.trace"].search_count(
            [
                ("activity_id", "in", self.ids),
                ("state", "in", ("processed", "error")),
                ("is_test", "=", False),
            ],
            limit=1,
        )
        if executed:
            raise UserError(
                _("Activities that already ran cannot be deleted: archive the campaign instead.")
            )

    # ------------------------------------------------------------------ ACTIONS

    def action_open_mailing(self):
        """Edit the content in the host's mailing editor: what is written there is sent."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
            "target": "current",
            "context": {"default_mailing_type": self.mailing_id.mailing_type},
        }

    def action_add_child(self):
        """Open a new activity that follows this one, in a dialog."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Follow-up of %(name)s", name=self.name),
            "res_model": "marketing.automation.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_campaign_id": self.campaign_id.id,
                "default_parent_id": self.id,
                "default_trigger_type": "mail_open"
                if self.activity_type == "email"
                else "activity",
                "default_interval_number": 1,
                "default_interval_type": "days",
            },
        }

    # ------------------------------------------------------------------ HELPERS

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

    def _prepare_mailing(self, vals):
        """Create the host mailing of an email or SMS activity when none is given."""
        if vals.get("activity_type", "email") not in ("email", "sms") or vals.get("mailing_id"):
            return
        campaign = self.env["marketing.automation.campaign"].browse(vals.get("campaign_id"))
        if not campaign:
            return
        mailing_type = "sms" if vals.get("activity_type") == "sms" else "mail"
        mailing_vals = {
            "subject": vals.get("mailing_subject") or vals.get("name") or campaign.name,
            "mailing_type": mailing_type,
            "mailing_model_id": campaign.model_id.id,
            "mailing_domain": NO_RECIPIENT_DOMAIN,
            "campaign_id": campaign.utm_campaign_id.id,
            "is_automation_mailing": True,
        }
        if mailing_type == "sms":
            mailing_vals["body_plaintext"] = vals.pop("mailing_body_plaintext", False) or ""
        vals.pop("mailing_subject", None)
        vals["mailing_id"] = self.env["mailing.mailing"].create(mailing_vals).id

    def _get_filter_domain(self, check_model=False):
        """The activity filter as a domain; raise a readable error when it is malformed (with
        ``check_model``, also when it cannot be searched on the campaign's target)."""
        self.ensure_one()
        model_name = self.campaign_id.model_name
        model = self.env[model_name] if check_model and model_name in self.env else None
        try:
            return parse_filter_domain(self.env, self.domain, model)
        except FilterDomainError as error:
            raise ValidationError(
                _(
                    "The filter of activity %(name)s is not valid: %(reason)s",
                    name=self.name,
                    reason=str(error),
                )
            ) from error

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

    def _copy_tree(self, campaign, parent=None):
        """Copy these activities and their descendants under ``parent`` in ``campaign``."""
        for activity in self:
            new_activity = activity.copy(
                {"campaign_id": campaign.id, "parent_id": parent.id if parent else False}
            )
            activity.child_ids._copy_tree(campaign, new_activity)

    def _get_delay(self):
        self.ensure_one()
        return interval_delta(self.interval_number, self.interval_type)

    # ------------------------------------------------------------------ SCHEDULING

    def _schedule_for(self, participants, base_date, parent_traces=None):
        """Create the traces of these activities for ``participants``, due at ``base_date`` plus
        each activity's delay, in one insert per activity. ``parent_traces`` (one per participant)
        links the new traces to the trace that triggered them. A trace that already exists for
        the same participant, activity and occurrence is left alone (unique key)."""
        Trace = self.env["marketing.automation.trace"]
        if not self or not participants:
            return Trace
        parents = {}
        if parent_traces:
            parents = {trace.participant_id.id: trace.id for trace in parent_traces}
        participant_ids = participants.ids
        parent_ids = [parents.get(participant_id) for participant_id in participant_ids]
        now, uid = fields.Datetime.now(), self.env.uid
        self.env.flush_all()
        trace_ids, due_dates = [], []
        for activity in self:
            schedule_date = base_date + activity._get_delay()
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO marketing_automation_trace (participant_id, activity_id,
                           occurrence, campaign_id, company_id, is_test, parent_id, trigger_date,
                           schedule_date, state, create_date, create_uid, write_date, write_uid)
                    SELECT p.id, %s, 1, p.campaign_id, p.company_id, p.is_test, t.parent, %s, %s,
                           'scheduled', %s, %s, %s, %s
                      FROM unnest(%s::int[], %s::int[]) AS t(participant, parent)
                      JOIN marketing_automation_participant p ON p.id = t.participant
                        ON CONFLICT (participant_id, activity_id, occurrence) DO NOTHING
                 RETURNING id
                    """,
                    activity.id,
                    base_date,
                    schedule_date,
                    now,
                    uid,
                    now,
                    uid,
                    participant_ids,
                    parent_ids,
                )
            )
            if rows:
                trace_ids += [row[0] for row in rows]
                due_dates.append(schedule_date)
        self.invalidate_recordset(["trace_ids"])
        participants.invalidate_recordset(["trace_ids"])
        if parent_traces:
            parent_traces.invalidate_recordset(["child_ids"])
        if due_dates:
            Trace._wake_execute_cron(min(due_dates))
        return Trace.browse(trace_ids)

    def _schedule_for_running_campaigns(self):
        """A new activity of a running campaign reaches the participants already past its
        parent (or, for a start activity, every running participant)."""
        Trace = self.env["marketing.automation.trace"]
        now = fields.Datetime.now()
        for activity in self.filtered(lambda a: a.campaign_id.state == "running"):
            if activity.trigger_type == "begin":
                participants = self.env["marketing.automation.participant"].search(
                    [
                        ("campaign_id", "=", activity.campaign_id.id),
                        ("state", "!=", "removed"),
                        ("is_test", "=", False),
                    ]
                )
                participants.filtered(lambda p: p.state == "completed").state = "running"
                activity._schedule_for(participants, now)
                continue
            domain = [
                ("activity_id", "=", activity.parent_id.id),
                ("state", "=", "processed"),
                ("participant_id.state", "!=", "removed"),
                ("is_test", "=", False),
            ]
            event_field = EVENT_FIELDS.get(activity.trigger_type)
            if event_field:
                domain.append((event_field, "!=", False))
            if activity.trigger_type in NOT_TRIGGER_FIELDS:
                domain.append((NOT_TRIGGER_FIELDS[activity.trigger_type], "=", False))
            parent_traces = Trace.search(domain)
            if parent_traces:
                participants = parent_traces.participant_id
                participants.filtered(lambda p: p.state == "completed").state = "running"
                activity._schedule_for(participants, now, parent_traces)

    def _reschedule_traces(self):
        """Move the scheduled traces of these activities to their trigger date plus the new
        delay, in one statement per activity."""
        for activity in self:
            self.env["marketing.automation.trace"].flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE marketing_automation_trace
                       SET schedule_date = trigger_date + make_interval(%s => %s)
                     WHERE activity_id = %s AND state = 'scheduled'
                    """,
                    SQL(PG_INTERVAL_UNITS[activity.interval_type]),
                    activity.interval_number,
                    activity.id,
                )
            )
            self.env["marketing.automation.trace"].invalidate_model(["schedule_date"])
        self.env["marketing.automation.trace"]._wake_execute_cron()

    def _get_validity(self):
        self.ensure_one()
        return interval_delta(self.validity_number, self.validity_type)

    # ------------------------------------------------------------------ EXECUTION

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
        followers = self.child_ids.filtered(
            lambda a: a.trigger_type == "activity" or a.trigger_type in NOT_TRIGGER_FIELDS
        )
        if done and followers:
            followers._schedule_for(done.participant_id, now, done)

    def _get_records(self, traces, res_by_trace):
        return self.env[self.campaign_id.model_name].browse(
            [res_by_trace[trace_id] for trace_id in traces.ids]
        )

    def _execute_email(self, traces, res_by_trace):
        """Render the mailing for all records at once and queue its mails with their mailing
        traces in bulk, so that the host's tracking pixel and shortened links apply."""
        mailing = self.mailing_id.sudo()
        records = self._get_records(traces, res_by_trace)
        emails, blacklisted = self._get_record_emails(records)
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
            self._queue_mails(mailing, traces.browse(to_send), res_by_trace, emails)
        return {
            _("The record has no email address."): traces.browse(no_email),
            _("The email address is blacklisted."): traces.browse(excluded),
        }

    def _get_record_emails(self, records):
        """({record id: normalized email}, {blacklisted emails}) of ``records`` in two queries;
        (None, None) when the target has no email field."""
        Model = self.env[self.campaign_id.model_name]
        email_fname = Model._mail_get_primary_email_field() or (
            "email_from" if "email_from" in Model._fields else "email"
        )
        if email_fname not in Model._fields:
            return None, None
        if "email_normalized" in Model._fields:
            emails = {record.id: record.email_normalized for record in records}
        else:
            emails = {
                record.id: tools.email_normalize(record[email_fname] or "", strict=False)
                for record in records
            }
        blacklisted = set()
        if "is_blacklisted" in Model._fields:
            found = [email for email in emails.values() if email]
            if found:
                rows = self.env.execute_query(
                    SQL(
                        "SELECT email FROM mail_blacklist WHERE active AND email = ANY(%s)",
                        found,
                    )
                )
                blacklisted = {row[0] for row in rows}
        return emails, blacklisted

    def _get_mail_body_source(self, mailing):
        """The mailing body as written in the editor, with its links turned into tracked short
        links once for the whole batch (not once per recipient)."""
        body = mailing._prepend_preview(mailing.body_html or "", mailing.preview)
        body = mailing._shorten_links(
            body,
            mailing._get_link_tracker_values(),
            blacklist=["/unsubscribe_from_list", "/view", "/cards"],
        )
        return mailing._replace_local_links(body, mailing.get_base_url())

    def _get_mail_layout(self):
        """The host's mass mailing layout split around the body: rendered once per batch."""
        marker = "@@marketing-automation-body@@"
        with tools.file_open("mass_mailing/static/src/scss/mass_mailing_mail.scss", "r") as fd:
            styles = fd.read()
        layout = self.env["ir.qweb"]._render(
            "mass_mailing.mass_mailing_mail_layout",
            {"body": Markup(marker), "mailing_style": Markup(f"<style>{styles}</style>")},
            minimal_qcontext=True,
            raise_if_not_found=False,
        )
        if not layout or marker not in layout:
            return "", ""
        prefix, suffix = str(layout).split(marker, 1)
        return prefix, suffix

    def _queue_mails(self, mailing, traces, res_by_trace, emails):
        """Queue one outgoing mail per trace with its mailing trace, in three set-based inserts
        (messages, mails, mailing traces): the same rows the host's mass mailing composer writes,
        without one ORM create per recipient."""
        model = self.campaign_id.model_name
        res_ids = [res_by_trace[trace_id] for trace_id in traces.ids]
        records = self.env[model].browse(res_ids)
        source = self._get_mail_body_source(mailing)
        bodies = mailing._render_template(
            source, model, res_ids, engine="qweb", options={"post_process": False}
        )
        subjects = mailing._render_field("subject", res_ids)
        prefix, suffix = self._get_mail_layout()
        if mailing.reply_to_mode == "new" and mailing.reply_to:
            reply_tos = dict.fromkeys(res_ids, mailing.reply_to)
        else:
            reply_tos = records._notify_get_reply_to(default=mailing.email_from)
        author_id = self.campaign_id.user_id.partner_id.id or self.env.user.partner_id.id
        now, uid = fields.Datetime.now(), self.env.uid
        message_ids = [
            tools.mail.generate_tracking_message_id(f"{res_id}-mailing") for res_id in res_ids
        ]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message (author_id, body, create_date, create_uid, date,
                       email_add_signature, email_from, mail_server_id, message_id, message_type,
                       model, reply_to, res_id, subject, write_date, write_uid)
                SELECT %s, '', %s, %s, %s, TRUE, %s, %s, t.message_id, 'email_outgoing',
                       %s, t.reply_to, t.res_id, t.subject, %s, %s
                  FROM unnest(%s::varchar[], %s::varchar[], %s::int[], %s::varchar[])
                       AS t(message_id, reply_to, res_id, subject)
             RETURNING id, message_id
                """,
                author_id,
                now,
                uid,
                now,
                mailing.email_from,
                mailing.mail_server_id.id or None,
                model,
                now,
                uid,
                message_ids,
                [reply_tos.get(res_id) or None for res_id in res_ids],
                res_ids,
                [subjects.get(res_id) or "" for res_id in res_ids],
            )
        )
        message_by_msgid = {msgid: message for message, msgid in rows}
        mail_message_ids = [message_by_msgid[msgid] for msgid in message_ids]
        if mailing.attachment_ids:
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO message_attachment_rel (message_id, attachment_id)
                    SELECT m, a FROM unnest(%s::int[]) m CROSS JOIN unnest(%s::int[]) a
                    """,
                    mail_message_ids,
                    mailing.attachment_ids.ids,
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_mail (auto_delete, body_html, create_date, create_uid, email_to,
                       mail_message_id, mailing_id, state, write_date, write_uid)
                SELECT %s, t.body, %s, %s, t.email_to, t.message, %s, 'outgoing', %s, %s
                  FROM unnest(%s::text[], %s::varchar[], %s::int[]) AS t(body, email_to, message)
             RETURNING id, mail_message_id
                """,
                not mailing.keep_archives,
                now,
                uid,
                mailing.id,
                now,
                uid,
                [f"{prefix}{bodies.get(res_id) or ''}{suffix}" for res_id in res_ids],
                [emails[res_id] for res_id in res_ids],
                mail_message_ids,
            )
        )
        mail_by_message = {message: mail for mail, message in rows}
        mail_ids = [mail_by_message[message] for message in mail_message_ids]
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mailing_trace (create_date, create_uid, write_date, write_uid, email,
                       mail_mail_id, mail_mail_id_int, mass_mailing_id, campaign_id, message_id,
                       model, res_id, trace_status, trace_type, marketing_trace_id)
                SELECT %s, %s, %s, %s, t.email, t.mail, t.mail, %s, %s, t.message_id, %s, t.res_id,
                       'outgoing', 'mail', t.trace
                  FROM unnest(%s::varchar[], %s::int[], %s::varchar[], %s::int[], %s::int[])
                       AS t(email, mail, message_id, res_id, trace)
                """,
                now,
                uid,
                now,
                uid,
                mailing.id,
                mailing.campaign_id.id or None,
                model,
                [emails[res_id] for res_id in res_ids],
                mail_ids,
                message_ids,
                res_ids,
                traces.ids,
            )
        )
        self.env["mail.message"].invalidate_model()
        self.env["mail.mail"].invalidate_model()
        self.env["mailing.trace"].invalidate_model()
        traces.invalidate_recordset(["mailing_trace_ids"])
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return self.env["mail.mail"].browse(mail_ids)

    def _execute_sms(self, traces, res_by_trace):
        """Queue one SMS per record with its mailing trace and tracker, links shortened."""
        mailing = self.mailing_id.sudo()
        model = self.campaign_id.model_name
        records = self._get_records(traces, res_by_trace)
        recipients = records._sms_get_recipients_info()
        no_number = traces.filtered(
            lambda t: not (recipients.get(res_by_trace[t.id]) or {}).get("sanitized")
        )
        numbers = [info["sanitized"] for info in recipients.values() if info and info["sanitized"]]
        blacklisted = set()
        if numbers:
            rows = self.env.execute_query(
                SQL(
                    "SELECT number FROM phone_blacklist WHERE active AND number = ANY(%s)",
                    numbers,
                )
            )
            blacklisted = {row[0] for row in rows}
        excluded = (traces - no_number).filtered(
            lambda t: recipients[res_by_trace[t.id]]["sanitized"] in blacklisted
        )
        to_send = traces - no_number - excluded
        if to_send:
            res_ids = [res_by_trace[trace_id] for trace_id in to_send.ids]
            source = mailing._shorten_links_text(
                mailing.body_plaintext or "", mailing._get_link_tracker_values()
            )
            bodies = mailing._render_template(source, model, res_ids, engine="inline_template")
            Trace, Composer = self.env["mailing.trace"], self.env["sms.composer"]
            base_url = mailing.get_base_url()
            sms_vals_list, uuids, codes = [], [], []
            for res_id in res_ids:
                info = recipients[res_id]
                sms_uuid = uuid.uuid4().hex
                uuids.append(sms_uuid)
                codes.append(Trace._get_random_code())
                body = bodies.get(res_id) or ""
                if mailing.sms_allow_unsubscribe:
                    # the host's opt-out link, as its own SMS mailings add it
                    url = f"{base_url}/sms/{mailing.id}/{codes[-1]}"
                    body = f"{body}\n{Composer._get_unsubscribe_info(url)}"
                sms_vals_list.append(
                    {
                        "body": body,
                        "number": info["sanitized"],
                        "partner_id": info["partner"].id,
                        "mailing_id": mailing.id,
                        "state": "outgoing",
                        "uuid": sms_uuid,
                    }
                )
            sms_all = self.env["sms.sms"].sudo().create(sms_vals_list)
            for sms, body in sms_all._update_body_short_links().items():
                if body != sms_all.browse(sms).body:
                    sms_all.browse(sms).body = body
            mailing_traces = (
                self.env["mailing.trace"]
                .sudo()
                .create(
                    [
                        {
                            "trace_type": "sms",
                            "sms_id_int": sms.id,
                            "sms_number": sms.number,
                            "model": model,
                            "res_id": res_id,
                            "mass_mailing_id": mailing.id,
                            "marketing_trace_id": trace.id,
                            "sms_code": code,
                        }
                        for trace, sms, res_id, code in zip(
                            to_send, sms_all, res_ids, codes, strict=False
                        )
                    ]
                )
            )
            self.env["sms.tracker"].sudo().create(
                [
                    {"sms_uuid": sms_uuid, "mailing_trace_id": mailing_trace.id}
                    for sms_uuid, mailing_trace in zip(uuids, mailing_traces, strict=False)
                ]
            )
            sms_cron = self.env.ref("sms.ir_cron_sms_scheduler_action", raise_if_not_found=False)
            if sms_cron:
                sms_cron.sudo()._trigger()
        return {
            _("The record has no valid phone number."): no_number,
            _("The phone number is blacklisted."): excluded,
        }

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
