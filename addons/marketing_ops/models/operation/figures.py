"""The campaign figures of an operation: planned, and actually spent and brought."""

from collections import defaultdict

from odoo import api, fields, models


class MarketingOperationFigures(models.Model):
    """The campaign figures of an operation: what is planned, and what it actually cost and
    brought (analytic costs, won opportunities, responses of its targets)."""

    _inherit = "marketing.operation"

    # ---- Campaign figures: planned ------------------------------------------------------------

    product_id = fields.Many2one("product.product", string="Product Concerned", check_company=True)
    operation_type = fields.Selection(
        [
            ("email", "Email"),
            ("event", "Event"),
            ("trade_show", "Trade show"),
            ("webinar", "Webinar"),
            ("direct_mail", "Direct mail"),
            ("telemarketing", "Telemarketing"),
            ("advertising", "Advertising"),
            ("other", "Other"),
        ],
        string="Type",
    )
    target_description = fields.Text(string="Target Audience")
    target_size = fields.Integer()
    sends_planned = fields.Integer()
    budget = fields.Monetary(tracking=True)
    expected_revenue = fields.Monetary()
    expected_response = fields.Selection(
        [("excellent", "Excellent"), ("good", "Good"), ("average", "Average"), ("poor", "Poor")]
    )
    expected_sales_count = fields.Integer(string="Expected Sales")
    expected_response_count = fields.Integer(string="Expected Responses")
    expected_roi = fields.Float(
        string="Expected ROI",
        compute="_compute_expected_roi",
        help="(Expected revenue - budget) / budget; empty without a budget.",
    )

    # ---- Campaign figures: actual -------------------------------------------------------------

    extra_cost = fields.Monetary(help="Costs not recorded on the analytic account.")
    analytic_cost = fields.Monetary(compute="_compute_actual_figures", string="Analytic Costs")
    actual_cost = fields.Monetary(compute="_compute_actual_figures")
    actual_revenue = fields.Monetary(compute="_compute_actual_figures")
    sales_count = fields.Integer(compute="_compute_actual_figures", string="Sales")
    response_count = fields.Integer(compute="_compute_actual_figures", string="Responses")
    actual_roi = fields.Float(
        compute="_compute_actual_figures",
        string="ROI",
        help="(Actual revenue - actual cost) / actual cost; empty while nothing is spent.",
    )

    @api.depends("expected_revenue", "budget")
    def _compute_expected_roi(self):
        for operation in self:
            operation.expected_roi = (
                (operation.expected_revenue - operation.budget) / operation.budget
                if operation.budget
                else False
            )

    @api.depends("extra_cost", "analytic_account_id", "utm_campaign_id")
    def _compute_actual_figures(self):
        analytic_costs = self._get_analytic_cost_by_operation()
        revenues = self._get_actual_revenue_by_operation()
        sales = self._get_sales_count_by_operation()
        responses = self._get_response_count_by_operation()
        for operation in self:
            key = operation._origin.id
            operation.analytic_cost = analytic_costs.get(key, 0.0)
            operation.actual_cost = operation.analytic_cost + operation.extra_cost
            operation.actual_revenue = revenues.get(key, 0.0)
            operation.sales_count = sales.get(key, 0)
            operation.response_count = responses.get(key, 0)
            cost = operation.actual_cost
            operation.actual_roi = (operation.actual_revenue - cost) / cost if cost else False

    def _get_analytic_cost_by_operation(self):
        """Costs (negative analytic amounts, as positive numbers) per operation id, whatever the
        analytic plan of each operation's account: one query per plan in use."""
        accounts = self.analytic_account_id.sudo()
        by_account = defaultdict(float)
        Line = self.env["account.analytic.line"].sudo()
        for plan, plan_accounts in accounts.grouped("root_plan_id").items():
            column = plan._column_name()
            for account, amount in Line._read_group(
                [(column, "in", plan_accounts.ids), ("amount", "<", 0)], [column], ["amount:sum"]
            ):
                by_account[account.id] += -amount
        return {
            op._origin.id: by_account[op.analytic_account_id.id]
            for op in self
            if op.analytic_account_id
        }

    def _won_opportunity_domain(self):
        return [
            ("campaign_id", "in", self.utm_campaign_id.ids),
            ("type", "=", "opportunity"),
            ("stage_id.is_won", "=", True),
        ]

    def _by_operation(self, campaign_values):
        operation_by_campaign = {op.utm_campaign_id.id: op.id for op in self}
        return {
            operation_by_campaign[campaign.id]: value
            for campaign, value in campaign_values
            if campaign.id in operation_by_campaign
        }

    def _get_actual_revenue_by_operation(self):
        """Actual revenue per operation id. Extended by crm_payments with collected payments."""
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(self._won_opportunity_domain(), ["campaign_id"], ["expected_revenue:sum"])
        )
        return self._by_operation(groups)

    def _get_sales_count_by_operation(self):
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(self._won_opportunity_domain(), ["campaign_id"], ["__count"])
        )
        return self._by_operation(groups)

    def _get_response_count_by_operation(self):
        """Distinct partners that responded in any step of each operation."""
        groups = (
            self.env["marketing.operation.target"]
            .sudo()
            ._read_group(
                [("operation_id", "in", self.ids), ("state_id.is_response", "=", True)],
                ["operation_id"],
                ["partner_id:count_distinct"],
            )
        )
        return {operation.id: count for operation, count in groups}
