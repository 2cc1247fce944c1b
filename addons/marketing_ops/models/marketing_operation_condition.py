"""The coded conditions of a transition (``marketing.operation.condition``)."""

import ast
import re

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression

from ..tools import formula as formula_language

LIST_SEPARATORS = re.compile(r"[,;\n]")


def _like_escape(text):
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class MarketingOperationCondition(models.Model):
    """One coded condition of a transition: a questionnaire answer, the status of the partner
    in a step, or a filter on the partner. Each condition is one query over the targets of the
    transition's step."""

    _name = "marketing.operation.condition"
    _description = "Marketing Step Transition Condition"
    _order = "transition_id, sequence, id"
    _rec_name = "code"

    transition_id = fields.Many2one(
        "marketing.operation.transition", required=True, index=True, ondelete="cascade"
    )
    step_id = fields.Many2one(related="transition_id.step_id", string="From Step")
    survey_id = fields.Many2one(related="transition_id.step_id.survey_id")
    operation_id = fields.Many2one(related="transition_id.operation_id", store=True, index=True)
    company_id = fields.Many2one(related="transition_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(
        required=True,
        help="Short code of the condition in the formula of its transition: C1, C2...",
    )
    condition_type = fields.Selection(
        [
            ("answer", "Questionnaire answer"),
            ("status", "Status in a step"),
            ("partner", "Partner filter"),
        ],
        string="Type",
        required=True,
        default="answer",
    )
    question_id = fields.Many2one(
        "survey.question",
        domain="[('survey_id', '=', survey_id), ('is_page', '=', False)]",
        ondelete="cascade",
        help="A question of the questionnaire of the step.",
    )
    operator = fields.Selection(
        [("equals", "Equals"), ("in", "Is one of"), ("matches", "Matches")],
        default="equals",
        help="Equals: the answer is the value (case ignored). Is one of: the answer is one of "
        "the values, separated by commas or semicolons. Matches: the answer matches the pattern, "
        "where * stands for any text and ? for any character.",
    )
    value = fields.Char()
    status_step_id = fields.Many2one(
        "marketing.operation.step",
        string="Status in Step",
        domain=[("is_final", "=", True)],
        ondelete="cascade",
        help="A step of this or of another operation: the condition holds for the partners "
        "targeted there in one of the statuses below.",
    )
    target_state_ids = fields.Many2many(
        "marketing.target.state",
        "marketing_operation_condition_state_rel",
        "condition_id",
        "state_id",
        string="Statuses",
    )
    partner_domain = fields.Char(
        string="Partner Filter",
        default="[]",
        help="The condition holds for the partners this filter selects.",
    )

    _sql_constraints = [
        (
            "transition_code_uniq",
            "unique(transition_id, code)",
            "The codes of the conditions of a transition must be unique.",
        ),
    ]

    # ---- Constraints ------------------------------------------------------------------------------

    @api.constrains("code")
    def _check_code(self):
        for condition in self:
            if not formula_language.is_valid_code(condition.code):
                raise ValidationError(
                    _(
                        'Code "%(code)s" is not valid: use letters, digits and _ (starting with '
                        "a letter), other than and, or, not, et, ou, non.",
                        code=condition.code,
                    )
                )
        for transition in self.transition_id:
            codes = [code.upper() for code in transition.condition_ids.mapped("code")]
            if len(codes) != len(set(codes)):
                raise ValidationError(
                    _(
                        "The codes of the conditions of a transition must be unique: %(codes)s.",
                        codes=", ".join(codes),
                    )
                )
        # the formula of the transition must still name known codes
        self.transition_id._check_formula()

    @api.constrains("condition_type", "question_id", "value", "status_step_id", "target_state_ids")
    def _check_settings(self):
        for condition in self:
            kind = condition.condition_type
            if kind == "answer":
                if not condition.question_id or not condition.value:
                    raise ValidationError(
                        _(
                            "Condition %(code)s is on an answer: choose the question and the value.",
                            code=condition.code,
                        )
                    )
                # who may edit a transition checks its question without rights on surveys
                question = condition.question_id.sudo()
                if question.survey_id != condition.transition_id.step_id.survey_id:
                    raise ValidationError(
                        _(
                            "Condition %(code)s: question %(question)s is not in the "
                            "questionnaire of step %(step)s.",
                            code=condition.code,
                            question=question.title,
                            step=condition.transition_id.step_id.name,
                        )
                    )
            elif kind == "status" and not (condition.status_step_id and condition.target_state_ids):
                raise ValidationError(
                    _(
                        "Condition %(code)s is on a status: choose the step and the statuses.",
                        code=condition.code,
                    )
                )

    @api.constrains("condition_type", "partner_domain")
    def _check_partner_domain(self):
        Partner = self.env["res.partner"]
        for condition in self.filtered(lambda c: c.condition_type == "partner"):
            try:
                Partner._where_calc(condition._get_partner_domain())
            except (ValueError, SyntaxError, TypeError, KeyError) as error:
                raise ValidationError(
                    _(
                        "Condition %(code)s: the partner filter is not valid (%(error)s).",
                        code=condition.code,
                        error=error,
                    )
                ) from error

    # ---- ORM ----------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        # conditions created without a code take the next free one of their transition
        missing = [vals for vals in vals_list if not vals.get("code") and vals.get("transition_id")]
        if missing:
            transitions = self.env["marketing.operation.transition"].browse(
                {vals["transition_id"] for vals in missing}
            )
            used = {t.id: {c.upper() for c in t.condition_ids.mapped("code")} for t in transitions}
            for vals in vals_list:
                if not vals.get("code") and vals.get("transition_id"):
                    codes = used[vals["transition_id"]]
                    vals["code"] = transitions._next_code(codes)
                    codes.add(vals["code"])
        return super().create(vals_list)

    def unlink(self):
        transitions = self.transition_id
        res = super().unlink()
        # a condition the formula names cannot go
        transitions.exists()._check_formula()
        return res

    # ---- Business methods -----------------------------------------------------------------------

    def _get_summary(self):
        """A short reading of the condition, e.g. "C1: Do you want our catalogue? equals Yes"."""
        self.ensure_one()
        if self.condition_type == "answer":
            operator = dict(self._fields["operator"]._description_selection(self.env)).get(
                self.operator, ""
            )
            text = f"{self.question_id.title or ''} {operator.lower()} {self.value or ''}"
        elif self.condition_type == "status":
            text = _(
                "%(statuses)s in %(step)s",
                statuses=", ".join(self.target_state_ids.mapped("name")),
                step=self.status_step_id.display_name,
            )
        else:
            text = self.partner_domain or "[]"
        return f"{self.code}: {text.strip()}"

    def _get_partner_domain(self):
        """The partner filter as a domain: a literal list, as the domain editor writes it."""
        self.ensure_one()
        domain = ast.literal_eval(self.partner_domain or "[]")
        if not isinstance(domain, list | tuple):
            raise ValueError(_("a filter is a list of conditions"))
        return list(domain)

    def _get_answer_line_domain(self):
        """Domain of the questionnaire answer lines (``survey.user_input.line``) that satisfy
        this answer condition."""
        self.ensure_one()
        value = (self.value or "").strip()
        if self.operator == "in":
            values = [v.strip() for v in LIST_SEPARATORS.split(value) if v.strip()]
            patterns = [_like_escape(v) for v in values]
        elif self.operator == "matches":
            patterns = [_like_escape(value).replace("*", "%").replace("?", "_")]
        else:
            values = [value]
            patterns = [_like_escape(value)]
        value_domains = []
        for pattern in patterns:
            value_domains += [
                [("suggested_answer_id.value", "=ilike", pattern)],
                [("value_char_box", "=ilike", pattern)],
                [("value_text_box", "=ilike", pattern)],
            ]
        if self.operator != "matches":
            numbers = []
            for candidate in values:
                try:
                    numbers.append(float(candidate.replace(",", ".")))
                except ValueError:
                    continue
            if numbers:
                value_domains.append([("value_numerical_box", "in", numbers)])
        return expression.AND(
            [
                [("question_id", "=", self.question_id.id), ("skipped", "=", False)],
                expression.OR(value_domains),
            ]
        )

    def _get_target_domain(self):
        """Domain of the targets of the transition's step for which this condition holds."""
        self.ensure_one()
        Target = self.env["marketing.operation.target"]
        if self.condition_type == "answer":
            lines = self.env["survey.user_input.line"]._search(self._get_answer_line_domain())
            return [("user_input_id", "in", lines.subselect("user_input_id"))]
        if self.condition_type == "status":
            in_status = Target._search(
                [
                    ("step_id", "=", self.status_step_id.id),
                    ("state_id", "in", self.target_state_ids.ids),
                ]
            )
            return [("partner_id", "in", in_status.subselect("partner_id"))]
        return [("partner_id", "any", self._get_partner_domain())]
