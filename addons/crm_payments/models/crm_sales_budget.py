from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.marketing_ops.tools.numbers import check_finite_numbers

PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


class CrmSalesBudget(models.Model):
    """A sales target of a salesperson or a sales team over a month, a quarter or a year."""

    _name = "crm.sales.budget"
    _description = "Sales Budget Line"
    _order = "date_from desc, team_id, user_id, id"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True, string="Description")
    user_id = fields.Many2one(
        "res.users", string="Salesperson", domain=[("share", "=", False)], index=True
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True, check_company=True)
    period_kind = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        string="Period",
        required=True,
        default="month",
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.today().year)
    period_number = fields.Integer(
        string="Month or Quarter",
        default=1,
        help="1 to 12 for a month, 1 to 4 for a quarter; ignored for a year.",
    )
    date_from = fields.Date(compute="_compute_dates", store=True, string="From")
    date_to = fields.Date(compute="_compute_dates", store=True, string="To")
    amount = fields.Monetary(string="Budget", required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A sales budget cannot be negative."),
        (
            "owner_required",
            "CHECK(user_id IS NOT NULL OR team_id IS NOT NULL)",
            "A sales budget line needs a salesperson or a sales team.",
        ),
    ]

    @api.depends("period_kind", "year", "period_number")
    def _compute_dates(self):
        for budget in self:
            if not budget.year or budget.year < 1900:
                budget.date_from = budget.date_to = False
                continue
            number = budget.period_number if budget.period_kind != "year" else 1
            months = PERIOD_MONTHS[budget.period_kind]
            start = date(budget.year, 1, 1) + relativedelta(months=(max(number, 1) - 1) * months)
            budget.date_from = start
            budget.date_to = start + relativedelta(months=months, days=-1)

    @api.depends("user_id", "team_id", "date_from", "period_kind")
    def _compute_name(self):
        for budget in self:
            owner = " / ".join(name for name in (budget.team_id.name, budget.user_id.name) if name)
            if budget.period_kind == "month":
                period = f"{budget.year}-{budget.period_number:02d}"
            elif budget.period_kind == "quarter":
                period = f"{budget.year} Q{budget.period_number}"
            else:
                period = str(budget.year)
            budget.name = f"{owner} {period}".strip()

    @api.constrains("period_kind", "year", "period_number")
    def _check_period(self):
        for budget in self:
            limit = {"month": 12, "quarter": 4, "year": None}[budget.period_kind]
            if budget.year < 1900 or budget.year > 9999:
                raise ValidationError(
                    _(
                        "Budget %(name)s: %(year)s is not a valid year.",
                        name=budget.name,
                        year=budget.year,
                    )
                )
            if limit and not 1 <= budget.period_number <= limit:
                raise ValidationError(
                    _(
                        "Budget %(name)s: the period number must be between 1 and %(limit)s.",
                        name=budget.name,
                        limit=limit,
                    )
                )

    @api.constrains("amount")
    def _check_amount(self):
        """Before the database's own check, which would only give a raw error."""
        for budget in self:
            if budget.amount < 0:
                raise ValidationError(
                    _(
                        "Budget %(name)s: the budget cannot be negative; enter an amount of zero "
                        "or more.",
                        name=budget.name,
                    )
                )

    @api.constrains("user_id", "team_id", "date_from", "date_to", "company_id")
    def _check_overlap(self):
        """One budget per salesperson and team for any day: a quarter and one of its months
        cannot both be budgeted (the analysis would count them twice). One query for all."""
        self.flush_model(["user_id", "team_id", "date_from", "date_to", "company_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT a.id
                  FROM crm_sales_budget a
                  JOIN crm_sales_budget b
                    ON b.id != a.id
                   AND b.company_id = a.company_id
                   AND b.user_id IS NOT DISTINCT FROM a.user_id
                   AND b.team_id IS NOT DISTINCT FROM a.team_id
                   AND b.date_from <= a.date_to
                   AND b.date_to >= a.date_from
                 WHERE a.id IN %s
                 LIMIT 1
                """,
                tuple(self.ids),
            )
        )
        row = self.env.cr.fetchone()
        if row:
            raise ValidationError(
                _(
                    "Budget %(name)s overlaps another budget line of the same salesperson "
                    "and team.",
                    name=self.browse(row[0]).name,
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        check_finite_numbers(self, vals_list)
        return super().create(vals_list)

    def write(self, vals):
        check_finite_numbers(self, [vals])
        return super().write(vals)
