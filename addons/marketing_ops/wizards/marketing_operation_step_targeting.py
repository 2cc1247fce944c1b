import math

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

# integer columns (and ids) hold 32-bit numbers: a greater one fails in the database
INTEGER_TYPES = ("integer", "many2one", "one2many", "many2many", "many2one_reference")
MAX_INTEGER = 2**31 - 1
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
                wizard.partner_count = wizard._count_partners()
            except (UserError, ValueError, SyntaxError):
                wizard.partner_count = 0

    def _count_partners(self):
        """Number of the partners ``_get_partners`` finds, counted by the database: the same few
        queries whatever their number, none of them loaded."""
        self.ensure_one()
        if self.source == "step":
            if not self.source_step_id:
                return 0
            targets = self.env["marketing.operation.target"]._search(
                self.step_id._get_targets_from_domain(self.source_step_id, self.only_processed)
            )
            contacts = self.env["marketing.operation.target.contact"]._search(
                [("target_id", "in", targets)]
            )
            self.env.cr.execute(
                SQL(
                    "SELECT COUNT(*) FROM (%s UNION %s) AS partners",
                    targets.select(SQL.identifier(targets.table, "partner_id")),
                    contacts.select(SQL.identifier(contacts.table, "partner_id")),
                )
            )
            return self.env.cr.fetchone()[0]
        model, partner_field = SOURCES[self.source]
        if model not in self.env:
            raise UserError(_("The module providing %(model)s is not installed.", model=model))
        domain = self._get_filter_domain(model)
        try:
            with self.env.cr.savepoint():
                if not partner_field:
                    return self.env[model].search_count(domain)
                [(count,)] = self.env[model]._read_group(
                    [*domain, (partner_field, "!=", False)],
                    aggregates=[f"{partner_field}:count_distinct"],
                )
                return count
        except psycopg2.Error as error:
            raise UserError(
                _("The filter is not valid: %(error)s", error=error.pgerror or error)
            ) from error

    def _get_partners(self):
        self.ensure_one()
        if self.source == "step":
            if not self.source_step_id:
                return self.env["res.partner"]
            return self.step_id._get_targets_from(self.source_step_id, self.only_processed)
        model, partner_field = SOURCES[self.source]
        if model not in self.env:
            raise UserError(_("The module providing %(model)s is not installed.", model=model))
        domain = self._get_filter_domain(model)
        try:
            with self.env.cr.savepoint():
                records = self.env[model].search(domain)
        except psycopg2.Error as error:
            raise UserError(
                _("The filter is not valid: %(error)s", error=error.pgerror or error)
            ) from error
        return records[partner_field] if partner_field else records

    @api.model
    def _get_leaf_field(self, model, path):
        """The field a condition's path (``parent_id.name``) ends on, or None."""
        field = None
        for name in str(path).split("."):
            if field is not None:
                if not field.relational:
                    return None
                model = field.comodel_name
            field = self.env[model]._fields.get(name)
            if field is None:
                return None
        return field

    def _get_filter_domain(self, model):
        """The filter as a domain on ``model``, or refused with the reason: not a list of
        conditions, unknown fields or operators, numbers that are not finite."""
        self.ensure_one()
        try:
            domain = safe_eval(self.filter_domain or "[]")
        except Exception as error:
            raise UserError(_("The filter is not valid: %(error)s", error=error)) from error
        if not isinstance(domain, (list, tuple)):
            raise UserError(
                _(
                    "The filter is not valid: %(filter)s is not a list of conditions.",
                    filter=self.filter_domain,
                )
            )
        for leaf in domain:
            if not (isinstance(leaf, (list, tuple)) and len(leaf) == 3):
                continue
            field = self._get_leaf_field(model, leaf[0])
            values = leaf[2] if isinstance(leaf[2], (list, tuple)) else [leaf[2]]
            for value in values:
                if isinstance(value, float) and not math.isfinite(value):
                    raise UserError(
                        _(
                            "The filter is not valid: %(field)s is compared with %(value)s, "
                            "which is not a finite number.",
                            field=leaf[0],
                            value=value,
                        )
                    )
                if (
                    field
                    and field.type in INTEGER_TYPES
                    and isinstance(value, int)
                    and not -MAX_INTEGER <= value <= MAX_INTEGER
                ):
                    raise UserError(
                        _(
                            "The filter is not valid: %(field)s is compared with %(value)s, "
                            "beyond the integers the database holds.",
                            field=leaf[0],
                            value=value,
                        )
                    )
        try:
            self.env[model]._where_calc(domain)
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            AssertionError,
            OverflowError,
        ) as error:
            raise UserError(_("The filter is not valid: %(error)s", error=error)) from error
        return domain

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
