from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.safe_eval import safe_eval

# source -> (model whose records are filtered, field holding the partner)
SOURCES = {
    "partner": ("res.partner", None),
    "lead": ("crm.lead", "partner_id"),
    "project": ("project.project", "partner_id"),
}


class MarketingOperationStepTargeting(models.TransientModel):
    """Add targets to a step: partners by filter, the partners of leads, opportunities or projects
    by filter, or the targets of a step of any operation."""

    _name = "marketing.operation.step.targeting"
    _description = "Add Targets to a Marketing Step"

    step_id = fields.Many2one("marketing.operation.step", required=True, ondelete="cascade")
    source = fields.Selection(
        selection="_selection_source", required=True, default="partner", string="Take Partners From"
    )
    source_model = fields.Char(compute="_compute_source_model")
    filter_domain = fields.Char(string="Filter", default="[]")
    source_step_id = fields.Many2one(
        "marketing.operation.step",
        domain="[('is_final', '=', True), ('id', '!=', step_id)]",
        help="A step of any operation whose targets are copied.",
    )
    only_processed = fields.Boolean(
        string="Only Processed Targets",
        help="Copy only the targets whose status is 'OK, continue' or 'Not processed, continue'.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Partners Found")
    result = fields.Text(readonly=True)

    @api.model
    def _selection_source(self):
        selection = [
            ("partner", _("Companies and contacts")),
            ("lead", _("Leads and opportunities")),
        ]
        if "project.project" in self.env:
            selection.append(("project", _("Projects")))
        selection.append(("step", _("Another step")))
        return selection

    @api.depends("source")
    def _compute_source_model(self):
        for wizard in self:
            wizard.source_model = SOURCES.get(wizard.source, ("res.partner", None))[0]

    @api.depends("source", "filter_domain", "source_step_id", "only_processed")
    def _compute_partner_count(self):
        for wizard in self:
            try:
                wizard.partner_count = len(wizard._get_partners())
            except (UserError, ValueError, SyntaxError):
                wizard.partner_count = 0

    def _get_partners(self):
        self.ensure_one()
        if self.source == "step":
            if not self.source_step_id:
                return self.env["res.partner"]
            return self.step_id._get_targets_from(self.source_step_id, self.only_processed)
        model, partner_field = SOURCES[self.source]
        if model not in self.env:
            raise UserError(_("The module providing %(model)s is not installed.", model=model))
        try:
            domain = safe_eval(self.filter_domain or "[]")
        except Exception as error:
            raise UserError(_("The filter is not valid: %(error)s", error=error)) from error
        records = self.env[model].search(domain)
        return records[partner_field] if partner_field else records

    def action_apply(self):
        self.ensure_one()
        partners = self._get_partners()
        if not partners:
            raise UserError(_("The filter finds no partner to target."))
        new_targets, refused = self.step_id._add_targets(partners)
        lines = [_("%(count)s partners added to the targets.", count=len(new_targets))]
        if refused:
            lines.append(_("%(count)s partners refused:", count=len(refused)))
            lines.extend(f"- {reason}" for reason in refused.values())
        self.result = "\n".join(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Targets Added"),
        }
