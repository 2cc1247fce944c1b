"""The marketing operation (``marketing.operation``): its header, confidentiality, steps and
targets, its UTM campaign and its actions. Its figures and what its steps sent are next to it."""

from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ...tools.numbers import check_finite_numbers

# the fields that decide who sees an operation (see the record rules)
OPERATION_ACCESS_FIELDS = (
    "is_confidential",
    "user_id",
    "allowed_user_ids",
    "allowed_group_ids",
    "family_id.is_confidential",
    "family_id.user_ids",
    "family_id.group_ids",
    "company_id",
)


class MarketingOperation(models.Model):
    """A structured set of actions on a target of partners, organised in a tree of steps."""

    _name = "marketing.operation"
    _description = "Marketing Operation"
    _inherit = ["mail.thread", "mail.activity.mixin", "marketing.confidential.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    # ---- Header ------------------------------------------------------------------------------

    name = fields.Char(required=True, tracking=True, translate=False)
    code = fields.Char(tracking=True, copy=False)
    active = fields.Boolean(default=True)
    category_id = fields.Many2one("marketing.operation.category", index=True, tracking=True)
    family_id = fields.Many2one("marketing.operation.family", index=True, tracking=True)
    state_id = fields.Many2one(
        "marketing.operation.state",
        index=True,
        tracking=True,
        default=lambda self: self.env["marketing.operation.state"]._get_default("operation"),
        domain=[("applies_to", "in", ("all", "operation"))],
        group_expand="_read_group_state_ids",
        copy=False,
    )
    state_kind = fields.Selection(related="state_id.kind", string="State Kind")
    date_start = fields.Datetime(string="Start", tracking=True)
    date_end = fields.Datetime(string="End", tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        index=True,
    )
    location = fields.Char()
    progress = fields.Float(
        compute="_compute_progress",
        store=True,
        aggregator="avg",
        help="Share of the final steps that are done.",
    )
    target_companies = fields.Boolean(string="Targets Companies", default=True)
    target_individuals = fields.Boolean(string="Targets Individuals", default=True)
    target_category_ids = fields.Many2many(
        "res.partner.category",
        string="Targeted Tags",
        help="When set, only partners with at least one of these tags can be targeted.",
    )
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    utm_campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        required=True,
        ondelete="restrict",
        copy=False,
        index=True,
        help="Leads, mailings, costs and payments of this operation meet on this campaign. A new "
        "one is created with the operation when none is given.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        check_company=True,
        help="Costs recorded on this account (timesheets, expenses, vendor bills) count in the "
        "actual cost.",
    )
    is_template = fields.Boolean(string="Template", index=True, copy=False)
    attach_message_to_event = fields.Boolean(
        string="Attach Messages to Events",
        help="When an emailing step generates an event per partner, attach the sent message to it.",
    )

    # ---- Confidentiality --------------------------------------------------------------------

    is_confidential = fields.Boolean(
        string="Confidential",
        tracking=True,
        help="Only the responsible, the users and groups listed here (and Marketing Managers) see "
        "the operation, its steps and targets.",
    )
    is_hidden = fields.Boolean(
        compute="_compute_is_hidden",
        string="Hidden from Other Users",
        help="Confidential, or in a confidential family: its name is not shown outside it.",
    )
    allowed_user_ids = fields.Many2many(
        "res.users",
        "marketing_operation_users_rel",
        "operation_id",
        "user_id",
        string="Allowed Users",
        domain=[("share", "=", False)],
    )
    allowed_group_ids = fields.Many2many(
        "res.groups",
        "marketing_operation_groups_rel",
        "operation_id",
        "group_id",
        string="Allowed Groups",
    )

    # ---- Steps and targets ------------------------------------------------------------------

    step_ids = fields.One2many(
        "marketing.operation.step", "operation_id", string="Steps", copy=False
    )
    target_ids = fields.One2many("marketing.operation.target", "operation_id", string="Targets")

    # ---- Related lists ------------------------------------------------------------------------

    step_count = fields.Integer(compute="_compute_related_counts")
    target_count = fields.Integer(compute="_compute_related_counts")
    lead_count = fields.Integer(compute="_compute_related_counts")
    opportunity_count = fields.Integer(compute="_compute_related_counts")
    mailing_count = fields.Integer(compute="_compute_related_counts")
    event_count = fields.Integer(compute="_compute_related_counts", string="Meetings")
    generated_activity_count = fields.Integer(
        compute="_compute_related_counts", string="Generated Activities"
    )
    analytic_line_count = fields.Integer(compute="_compute_related_counts", string="Costs")

    _sql_constraints = [
        (
            "utm_campaign_uniq",
            "unique(utm_campaign_id)",
            "Another operation already owns this UTM campaign.",
        ),
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Another operation of this company has this code.",
        ),
        (
            "dates_check",
            "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
            "An operation cannot end before it starts.",
        ),
        (
            "budget_positive",
            "CHECK(budget >= 0 AND extra_cost >= 0)",
            "Budget and extra cost cannot be negative.",
        ),
    ]

    # ---- Computes -----------------------------------------------------------------------------

    @api.model
    def _read_group_state_ids(self, states, domain):
        return states.search([("applies_to", "in", ("all", "operation"))])

    @api.depends("step_ids.is_final", "step_ids.state_id.kind")
    def _compute_progress(self):
        counts = defaultdict(lambda: [0, 0])
        groups = self.env["marketing.operation.step"]._read_group(
            [("operation_id", "in", self.ids), ("is_final", "=", True)],
            ["operation_id", "state_id"],
            ["__count"],
        )
        for operation, state, count in groups:
            counts[operation.id][0] += count
            if state.kind == "done":
                counts[operation.id][1] += count
        for operation in self:
            total, done = counts[operation.id]
            operation.progress = 100.0 * done / total if total else 0.0

    def _compute_related_counts(self):
        def count_by(model, domain, groupby):
            # lists the user may not open count nothing (their buttons are hidden too)
            if model not in self.env or not self.env[model].has_access("read"):
                return {}
            return {
                key.id: count
                for key, count in self.env[model]._read_group(domain, [groupby], ["__count"])
            }

        campaigns = self.utm_campaign_id.ids
        steps = count_by(
            "marketing.operation.step", [("operation_id", "in", self.ids)], "operation_id"
        )
        targets = count_by(
            "marketing.operation.target", [("operation_id", "in", self.ids)], "operation_id"
        )
        leads = count_by(
            "crm.lead", [("campaign_id", "in", campaigns), ("type", "=", "lead")], "campaign_id"
        )
        opportunities = count_by(
            "crm.lead",
            [("campaign_id", "in", campaigns), ("type", "=", "opportunity")],
            "campaign_id",
        )
        mailings = count_by("mailing.mailing", [("campaign_id", "in", campaigns)], "campaign_id")
        events = count_by(
            "calendar.event", [("marketing_operation_id", "in", self.ids)], "marketing_operation_id"
        )
        activities = count_by(
            "mail.activity", [("marketing_operation_id", "in", self.ids)], "marketing_operation_id"
        )
        lines = self._count_analytic_lines()
        for operation in self:
            op_id, campaign_id = operation._origin.id, operation.utm_campaign_id.id
            operation.step_count = steps.get(op_id, 0)
            operation.target_count = targets.get(op_id, 0)
            operation.lead_count = leads.get(campaign_id, 0)
            operation.opportunity_count = opportunities.get(campaign_id, 0)
            operation.mailing_count = mailings.get(campaign_id, 0)
            operation.event_count = events.get(op_id, 0)
            operation.generated_activity_count = activities.get(op_id, 0)
            operation.analytic_line_count = lines.get(op_id, 0)

    def _count_analytic_lines(self):
        by_account = {}
        Line = self.env["account.analytic.line"].sudo()
        for plan, accounts in self.analytic_account_id.sudo().grouped("root_plan_id").items():
            column = plan._column_name()
            for account, count in Line._read_group(
                [(column, "in", accounts.ids)], [column], ["__count"]
            ):
                by_account[account.id] = count
        return {op._origin.id: by_account.get(op.analytic_account_id.id, 0) for op in self}

    # ---- Constraints ----------------------------------------------------------------------------

    @api.constrains("target_companies", "target_individuals")
    def _check_target_kinds(self):
        for operation in self:
            if not operation.target_companies and not operation.target_individuals:
                raise ValidationError(
                    _(
                        "Operation %(name)s must target companies, individuals or both.",
                        name=operation.name,
                    )
                )

    @api.depends("is_confidential", "family_id.is_confidential")
    def _compute_is_hidden(self):
        for operation in self:
            operation.is_hidden = (
                operation.is_confidential or operation.sudo().family_id.is_confidential
            )

    def _get_neutral_name_depends(self):
        return list(OPERATION_ACCESS_FIELDS)

    def _get_confidential_records(self):
        return self.filtered("is_hidden")

    def _get_neutral_name(self):
        return _("Confidential operation")

    def _partner_kind_error(self, partner):
        """Why ``partner`` cannot be a target of this operation, or None."""
        self.ensure_one()
        if partner.is_company and not self.target_companies:
            return _(
                "%(partner)s is a company; operation %(operation)s does not target companies.",
                partner=partner.display_name,
                operation=self.name,
            )
        if not partner.is_company and not self.target_individuals:
            return _(
                "%(partner)s is an individual; operation %(operation)s does not target individuals.",
                partner=partner.display_name,
                operation=self.name,
            )
        if self.target_category_ids and not (partner.category_id & self.target_category_ids):
            return _(
                "%(partner)s has none of the tags targeted by %(operation)s.",
                partner=partner.display_name,
                operation=self.name,
            )
        return None

    # ---- ORM ------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        check_finite_numbers(self, vals_list)
        missing = [vals for vals in vals_list if not vals.get("utm_campaign_id")]
        if missing:
            campaigns = (
                self.env["utm.campaign"]
                .sudo()
                .create([self._prepare_utm_campaign_values(vals) for vals in missing])
            )
            for vals, campaign in zip(missing, campaigns, strict=True):
                vals["utm_campaign_id"] = campaign.id
        operations = super().create(vals_list)
        operations.filtered("is_hidden")._sync_utm_campaign()
        return operations

    def write(self, vals):
        check_finite_numbers(self, [vals])
        res = super().write(vals)
        if {"name", "code", "is_confidential", "family_id", "utm_campaign_id"} & set(vals):
            self._sync_utm_campaign()
        return res

    @api.model
    def _prepare_utm_campaign_values(self, vals):
        """Values of the UTM campaign created with an operation of values ``vals``. The UTM
        campaign is seen by every user (leads, mailings, reports): a confidential operation
        never lends it its name (nor its code)."""
        family = self.env["marketing.operation.family"].sudo().browse(vals.get("family_id"))
        if vals.get("is_confidential") or family.is_confidential:
            title = _("Confidential operation")
        else:
            title = vals.get("name") or _("Marketing operation")
        return {"title": title}

    def _sync_utm_campaign(self):
        """Rename the UTM campaigns of these operations after them, or neutrally when they are
        confidential (see ``_get_public_name``). Done as superuser: the owner decides."""
        for operation in self.sudo():
            title = operation._get_public_name()
            if operation.utm_campaign_id and operation.utm_campaign_id.title != title:
                operation.utm_campaign_id.write({"title": title})

    def _get_public_name(self):
        """The operation's name, or a neutral one (without its name or code) when the operation
        is confidential: for what every user sees (UTM campaign, activities, events)."""
        self.ensure_one()
        if not self.sudo().is_hidden:
            return self.sudo().name
        return _("Confidential operation %(reference)s", reference=self.id)

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        if default and "name" in default:
            return vals_list
        return [
            dict(vals, name=self.env._("%(name)s (copy)", name=operation.name))
            for operation, vals in zip(self, vals_list, strict=True)
        ]

    def copy(self, default=None):
        new_operations = super().copy(default=default)
        for old, new in zip(self, new_operations, strict=True):
            old.step_ids.filtered(lambda s: not s.parent_id)._copy_tree(new)
        return new_operations

    @api.ondelete(at_uninstall=False)
    def _unlink_except_with_processed_targets(self):
        processed = self.env["marketing.operation.target"].search_count(
            [("operation_id", "in", self.ids), ("state_id.kind", "!=", "todo")], limit=1
        )
        if processed:
            raise UserError(
                _(
                    "An operation whose targets have been processed cannot be deleted: archive it instead."
                )
            )

    # ---- Actions ----------------------------------------------------------------------------------

    def _action_for(self, xmlid, domain, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["domain"] = domain
        action["context"] = dict(context or {})
        return action

    def action_view_steps(self):
        return self._action_for(
            "marketing_ops.marketing_operation_step_action",
            [("operation_id", "=", self.id)],
            {"default_operation_id": self.id},
        )

    def action_view_targets(self):
        return self._action_for(
            "marketing_ops.marketing_operation_target_action",
            [("operation_id", "=", self.id)],
            {"search_default_group_step": 1},
        )

    def action_view_leads(self):
        return self._action_for(
            "crm.crm_lead_all_leads",
            [("campaign_id", "=", self.utm_campaign_id.id), ("type", "=", "lead")],
            {"default_campaign_id": self.utm_campaign_id.id, "default_type": "lead"},
        )

    def action_view_opportunities(self):
        return self._action_for(
            "crm.crm_lead_opportunities",
            [("campaign_id", "=", self.utm_campaign_id.id), ("type", "=", "opportunity")],
            {"default_campaign_id": self.utm_campaign_id.id, "default_type": "opportunity"},
        )

    def action_view_mailings(self):
        return self._action_for(
            "mass_mailing.mailing_mailing_action_mail",
            [("campaign_id", "=", self.utm_campaign_id.id)],
            {"default_campaign_id": self.utm_campaign_id.id},
        )

    def action_view_events(self):
        return self._action_for(
            "calendar.action_calendar_event",
            [("marketing_operation_id", "=", self.id)],
            {"search_default_mymeetings": 0},
        )

    def action_view_generated_activities(self):
        return self._action_for(
            "mail.mail_activity_action",
            [("marketing_operation_id", "=", self.id)],
        )

    def action_view_costs(self):
        self.ensure_one()
        if not self.analytic_account_id:
            raise UserError(_("Set an analytic account on the operation to follow its costs."))
        return self._action_for(
            "analytic.account_analytic_line_action_entries",
            [("auto_account_id", "=", self.analytic_account_id.id)],
            {"default_account_id": self.analytic_account_id.id},
        )

    def action_open_map(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "marketing_ops.target_map",
            "name": _("Map of %(operation)s", operation=self.name),
            "params": {"domain": [("operation_id", "=", self.id)]},
        }

    def action_load_template(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Load a Template"),
            "res_model": "marketing.operation.template.load",
            "view_mode": "form",
            "target": "new",
            "context": {"default_operation_id": self.id},
        }

    def action_create_from_template(self):
        """Copy a template operation into a new, ordinary operation."""
        self.ensure_one()
        if not self.is_template:
            raise UserError(_("%(name)s is not a template.", name=self.name))
        new = self.copy({"name": self.name})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": new.id,
            "view_mode": "form",
        }
