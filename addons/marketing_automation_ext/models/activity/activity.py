"""The activity of a campaign: its storage, its place in the tree, its checks, the mailing of
an email or SMS and who may choose a server action. When it runs is ``schedule.py``; what it
does when its traces run, ``execution.py``."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ...tools.filter_domain import FilterDomainError, parse_filter_domain
from ...tools.triggers import INTERVAL_UNITS, TRIGGERS, interval_delta
from ..mailing_mailing import NO_RECIPIENT_DOMAIN

SERVER_ACTION_GROUP = "marketing_automation_ext.marketing_automation_ext_group_manager"


class MarketingAutomationActivity(models.Model):
    _name = "marketing.automation.activity"
    _inherit = ["marketing.automation.restricted.mixin"]
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

    def _get_restricted_name_depends(self):
        return ["name"]

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
        self.env["marketing.automation.trace"]._schedule_new_activities(activities)
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
            self.env["marketing.automation.trace"]._reschedule(self)
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
                    "Only automation managers (group %(group)s) may set or change the server "
                    "action of an activity (%(name)s).",
                    group=self.env.ref(SERVER_ACTION_GROUP).sudo().full_name,
                    name=changed[0].name,
                )
            )

    # ------------------------------------------------------------------ HELPERS

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
        if not self.env.user.email:
            mailing_vals["email_from"] = self._get_default_sender(
                campaign, vals.get("name") or campaign.name
            )
        if mailing_type == "sms":
            mailing_vals["body_plaintext"] = vals.pop("mailing_body_plaintext", False) or ""
        vals.pop("mailing_subject", None)
        vals["mailing_id"] = self.env["mailing.mailing"].create(mailing_vals).id

    def _get_default_sender(self, campaign, name):
        """The address the mailing of an activity created by a user without one is sent from:
        the company's; refused when the company has none either (the host would fail on the
        empty Send From)."""
        company = campaign.company_id or self.env.company
        if company.email:
            return company.email_formatted
        raise UserError(
            _(
                "The email of activity %(name)s needs a Send From address: you have no email "
                "address and neither has the company %(company)s. Set your email address in "
                "your preferences, or ask an administrator to set the company's.",
                name=name,
                company=company.name,
            )
        )

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

    def _get_validity(self):
        self.ensure_one()
        return interval_delta(self.validity_number, self.validity_type)
