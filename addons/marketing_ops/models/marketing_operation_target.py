from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .operation.marketing_operation import OPERATION_ACCESS_FIELDS


class MarketingOperationTarget(models.Model):
    """One targeted partner (company or individual) in one step, with its targeted contacts."""

    _name = "marketing.operation.target"
    _description = "Marketing Operation Target"
    _order = "step_id, partner_name, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    _inherit = ["marketing.confidential.mixin"]

    step_id = fields.Many2one(
        "marketing.operation.step",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_final", "=", True)],
        check_company=True,
    )
    operation_id = fields.Many2one(related="step_id.operation_id", store=True, index=True)
    company_id = fields.Many2one(related="step_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    partner_name = fields.Char(related="partner_id.name", store=True, string="Name")
    partner_ref = fields.Char(related="partner_id.ref", store=True, string="Reference")
    partner_is_company = fields.Boolean(
        related="partner_id.is_company", store=True, string="Is a Company"
    )
    partner_email = fields.Char(related="partner_id.email", store=True, string="Email")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_city = fields.Char(related="partner_id.city", store=True, string="City")
    partner_country_id = fields.Many2one(
        related="partner_id.country_id", store=True, string="Country"
    )
    contact_ids = fields.One2many(
        "marketing.operation.target.contact", "target_id", string="Contacts"
    )
    contact_count = fields.Integer(compute="_compute_contact_count", string="# Contacts")
    state_id = fields.Many2one(
        "marketing.target.state",
        string="Status",
        required=True,
        index=True,
        default=lambda self: self.env["marketing.target.state"]._get_by_kind("todo"),
        group_expand="_read_group_state_ids",
    )
    state_kind = fields.Selection(related="state_id.kind", string="Status Kind")
    counter = fields.Integer(
        help="How many times the questionnaire was opened for this partner while it was still to process.",
        copy=False,
    )
    callback_date = fields.Datetime(string="Call Back On")
    user_input_id = fields.Many2one("survey.user_input", string="Questionnaire Answer", copy=False)
    event_id = fields.Many2one(
        "calendar.event", string="Last Event", copy=False, index="btree_not_null"
    )
    message_id = fields.Many2one(
        "mail.message", string="Last Message", copy=False, index="btree_not_null"
    )
    notes = fields.Text()

    _sql_constraints = [
        (
            "step_partner_uniq",
            "unique(step_id, partner_id)",
            "This partner is already targeted in this step.",
        ),
    ]

    @api.model
    def _read_group_state_ids(self, states, domain):
        return states.search([])

    def _get_neutral_name_depends(self):
        return [f"operation_id.{name}" for name in OPERATION_ACCESS_FIELDS]

    def _get_confidential_records(self):
        return self.filtered("operation_id.is_hidden")

    def _get_neutral_name(self):
        return _("Confidential target")

    @api.depends("contact_ids")
    def _compute_contact_count(self):
        counts = dict(
            self.env["marketing.operation.target.contact"]._read_group(
                [("target_id", "in", self.ids)], ["target_id"], ["__count"]
            )
        )
        for target in self:
            target.contact_count = counts.get(target._origin, 0)

    def action_launch(self):
        """Launch the step for these partners and all their contacts."""
        for step, targets in self.grouped("step_id").items():
            step._launch_targets(targets)
        return self.step_id._after_launch() if len(self.step_id) == 1 else True

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def write(self, vals):
        if "step_id" in vals and any(target.step_id.id != vals["step_id"] for target in self):
            raise UserError(_("A target cannot move to another step: add it to that step instead."))
        return super().write(vals)
