"""The transitions from a step to its next steps (``marketing.operation.transition``)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..tools import formula as formula_language


class MarketingOperationTransition(models.Model):
    """Where the targets of a step go next: the destination steps of the targets for which the
    transition's formula over its conditions holds."""

    _name = "marketing.operation.transition"
    _description = "Marketing Step Transition"
    _order = "step_id, sequence, id"

    step_id = fields.Many2one(
        "marketing.operation.step",
        string="From Step",
        required=True,
        index=True,
        ondelete="cascade",
    )
    operation_id = fields.Many2one(related="step_id.operation_id", store=True, index=True)
    company_id = fields.Many2one(related="step_id.company_id", store=True)
    survey_id = fields.Many2one(related="step_id.survey_id", string="Questionnaire")
    sequence = fields.Integer(default=10)
    destination_step_ids = fields.Many2many(
        "marketing.operation.step",
        "marketing_operation_transition_step_rel",
        "transition_id",
        "step_id",
        string="Next Steps",
        domain="[('is_final', '=', True), ('id', '!=', step_id)]",
        help="Final steps, of this or any other operation, that receive the targets for which "
        "the formula holds.",
    )
    condition_ids = fields.One2many(
        "marketing.operation.condition", "transition_id", string="Conditions"
    )
    condition_summary = fields.Char(compute="_compute_condition_summary")
    formula = fields.Char(
        help="Combines the codes of the conditions with and, or, not (or et, ou, non) and "
        "parentheses, e.g. C1 and (C2 or not C3); not binds tighter than and, and than or. "
        "Empty: all conditions must hold.",
    )

    # ---- Computes -------------------------------------------------------------------------------

    @api.depends(
        "condition_ids.code",
        "condition_ids.condition_type",
        "condition_ids.question_id",
        "condition_ids.operator",
        "condition_ids.value",
        "condition_ids.status_step_id",
        "condition_ids.target_state_ids",
        "condition_ids.partner_domain",
    )
    def _compute_condition_summary(self):
        for transition in self:
            transition.condition_summary = "; ".join(
                condition._get_summary() for condition in transition.condition_ids
            )

    # ---- Constraints ------------------------------------------------------------------------------

    @api.constrains("formula", "condition_ids")
    def _check_formula(self):
        for transition in self:
            transition._parse_formula()

    @api.constrains("step_id", "destination_step_ids")
    def _check_destinations(self):
        for transition in self:
            if transition.step_id in transition.destination_step_ids:
                raise ValidationError(
                    _("Step %(step)s cannot lead to itself.", step=transition.step_id.name)
                )
            grouping = transition.destination_step_ids.filtered(lambda s: not s.is_final)
            if grouping:
                raise ValidationError(
                    _(
                        "Steps %(steps)s group sub-steps: only final steps can receive targets.",
                        steps=", ".join(grouping.mapped("name")),
                    )
                )

    # ---- ORM ----------------------------------------------------------------------------------------

    @api.onchange("condition_ids")
    def _onchange_condition_ids(self):
        """Give the new conditions the next free codes, C1, C2..."""
        for transition in self:
            used = {c.code.upper() for c in transition.condition_ids if c.code}
            for condition in transition.condition_ids.filtered(lambda c: not c.code):
                condition.code = transition._next_code(used)
                used.add(condition.code)

    @staticmethod
    def _next_code(used):
        number = 1
        while f"C{number}" in used:
            number += 1
        return f"C{number}"

    # ---- Business methods -----------------------------------------------------------------------

    def _parse_formula(self):
        """The tree of the formula, the conditions all holding when it is empty.

        :raise ValidationError: with the column and the token of a syntax error or unknown code
        """
        self.ensure_one()
        codes = [code.upper() for code in self.condition_ids.mapped("code") if code]
        if not (self.formula or "").strip():
            if not codes:
                return None
            leaves = tuple(("code", code) for code in codes)
            return leaves[0] if len(leaves) == 1 else ("and", leaves)
        try:
            tree = formula_language.parse(self.formula, codes)
        except formula_language.FormulaError as error:
            raise ValidationError(self._formula_error_message(error)) from error
        return tree

    def _formula_error_message(self, error):
        if error.kind == formula_language.UNEXPECTED_CHARACTER:
            message = _(
                'Unexpected character "%(token)s" at column %(column)s',
                token=error.token,
                column=error.column,
            )
        elif error.kind == formula_language.UNEXPECTED_TOKEN:
            message = _(
                'Unexpected "%(token)s" at column %(column)s',
                token=error.token,
                column=error.column,
            )
        elif error.kind == formula_language.UNEXPECTED_END:
            message = _("Unexpected end of formula at column %(column)s", column=error.column)
        elif error.kind == formula_language.UNKNOWN_CODE:
            message = _(
                'Unknown code "%(token)s" at column %(column)s: the conditions are %(codes)s.',
                token=error.token,
                column=error.column,
                codes=", ".join(self.condition_ids.mapped("code")) or _("none"),
            )
        else:
            message = _("The formula is empty.")
        return _(
            "Formula of a transition of step %(step)s: %(message)s",
            step=self.step_id.name,
            message=message,
        )
