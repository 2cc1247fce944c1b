from odoo import api, fields, models, tools
from odoo.tools import SQL


class CrmSalesBudgetReport(models.Model):
    """Budget, weighted forecast and actual revenue side by side: one row per month of a budget
    line, per open opportunity (at its expected closing date), per won opportunity (at its closing
    date) and per collected payment (at its paid date)."""

    _name = "crm.sales.budget.report"
    _description = "Sales Budget Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "date"
    _depends = {
        "crm.sales.budget": [
            "date_from",
            "date_to",
            "period_kind",
            "user_id",
            "team_id",
            "company_id",
            "amount",
        ],
        "crm.lead": [
            "active",
            "type",
            "stage_id",
            "date_deadline",
            "date_closed",
            "expected_revenue",
            "probability",
            "user_id",
            "team_id",
            "company_id",
        ],
        "crm.stage": ["is_won"],
        "crm.payment": [
            "state",
            "direction",
            "date_paid",
            "amount_company",
            "user_id",
            "lead_id",
            "company_id",
        ],
    }

    date = fields.Date(readonly=True)
    source = fields.Selection(
        [
            ("budget", "Budget"),
            ("forecast", "Open opportunity"),
            ("won", "Won opportunity"),
            ("collected", "Collected payment"),
        ],
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    budget = fields.Monetary(readonly=True)
    forecast = fields.Monetary(
        readonly=True,
        string="Weighted Forecast",
        help="Expected revenue of open opportunities times their probability, by expected "
        "closing date.",
    )
    won_revenue = fields.Monetary(readonly=True, help="Won opportunities, by closing date.")
    collected = fields.Monetary(readonly=True, help="Collected payments, by paid date.")
    actual = fields.Monetary(
        readonly=True,
        help="Won revenue plus the collected payments that are not the collection of a won "
        "opportunity (those are already in its won revenue).",
    )
    variance = fields.Monetary(readonly=True, help="Actual minus budget.")
    attainment = fields.Float(
        string="Attainment (%)",
        readonly=True,
        aggregator="sum",
        help="Actual divided by budget, in percent.",
    )

    def _select_budget(self):
        """One row per month of each budget line, with its share of the amount, so that a
        quarter or year budget compares with the months it covers."""
        return SQL(
            """
            SELECT 'budget' AS source, month::date AS date, b.user_id, b.team_id, b.company_id,
                   b.amount / CASE b.period_kind WHEN 'year' THEN 12
                                                 WHEN 'quarter' THEN 3
                                                 ELSE 1 END AS budget,
                   0.0 AS forecast, 0.0 AS won_revenue, 0.0 AS collected,
                   0.0 AS collected_extra
              FROM crm_sales_budget b
             CROSS JOIN LATERAL generate_series(
                   b.date_from, b.date_to, INTERVAL '1 month') AS month
             WHERE b.date_from IS NOT NULL AND b.date_to IS NOT NULL
            """
        )

    def _select_forecast(self):
        return SQL(
            """
            SELECT 'forecast', l.date_deadline, l.user_id, l.team_id, l.company_id,
                   0.0, COALESCE(l.expected_revenue, 0) * COALESCE(l.probability, 0) / 100.0,
                   0.0, 0.0, 0.0
              FROM crm_lead l
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.active AND l.type = 'opportunity' AND l.date_deadline IS NOT NULL
               AND NOT COALESCE(s.is_won, FALSE)
            """
        )

    def _select_won(self):
        return SQL(
            """
            SELECT 'won', l.date_closed::date, l.user_id, l.team_id,
                   l.company_id, 0.0, 0.0, COALESCE(l.expected_revenue, 0), 0.0, 0.0
              FROM crm_lead l
              JOIN crm_stage s ON s.id = l.stage_id
             WHERE l.active AND l.type = 'opportunity' AND s.is_won AND l.date_closed IS NOT NULL
            """
        )

    def _select_collected(self):
        """Collected payments; those of a won opportunity do not add to the actual revenue,
        which already holds the opportunity."""
        return SQL(
            """
            SELECT 'collected', p.date_paid, COALESCE(l.user_id, p.user_id), l.team_id,
                   p.company_id,
                   0.0, 0.0, 0.0, COALESCE(p.amount_company, 0),
                   CASE WHEN l.active AND l.type = 'opportunity' AND COALESCE(s.is_won, FALSE)
                        THEN 0.0 ELSE COALESCE(p.amount_company, 0) END
              FROM crm_payment p
              LEFT JOIN crm_lead l ON l.id = p.lead_id
              LEFT JOIN crm_stage s ON s.id = l.stage_id
             WHERE p.state = 'paid' AND p.direction = 'collection' AND p.date_paid IS NOT NULL
            """
        )

    def _query(self):
        rows = SQL(" UNION ALL ").join(
            [
                self._select_budget(),
                self._select_forecast(),
                self._select_won(),
                self._select_collected(),
            ]
        )
        return SQL(
            """
            SELECT row_number() OVER (ORDER BY r.date, r.source) AS id,
                   r.source, r.date, r.user_id, r.team_id, r.company_id,
                   c.currency_id,
                   r.budget, r.forecast, r.won_revenue, r.collected,
                   r.won_revenue + r.collected_extra AS actual,
                   r.won_revenue + r.collected_extra - r.budget AS variance,
                   CASE WHEN r.budget > 0
                        THEN 100.0 * (r.won_revenue + r.collected_extra) / r.budget END AS attainment
              FROM (%s) r
              LEFT JOIN res_company c ON c.id = r.company_id
            """,
            rows,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )

    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True):
        """Attainment of a group is its actual over its budget, not a sum of row ratios."""
        wanted = [spec.split(":")[0] for spec in fields]
        if "attainment" not in wanted:
            return super().read_group(domain, fields, groupby, offset, limit, orderby, lazy)
        extra = [name for name in ("budget", "actual") if name not in wanted]
        groups = super().read_group(
            domain,
            fields + [f"{name}:sum" for name in extra],
            groupby,
            offset,
            limit,
            orderby,
            lazy,
        )
        for group in groups:
            budget = group.get("budget") or 0.0
            group["attainment"] = 100.0 * (group.get("actual") or 0.0) / budget if budget else 0.0
            for name in extra:
                group.pop(name, None)
        return groups
