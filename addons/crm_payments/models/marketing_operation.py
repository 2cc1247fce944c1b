from collections import defaultdict

from odoo import fields, models


class MarketingOperation(models.Model):
    _inherit = "marketing.operation"

    pricelist_id = fields.Many2one(
        "product.pricelist",
        string="Pricelist Offered",
        check_company=True,
        help="The prices and discounts this operation offers; pick it on the quotations and "
        "customers it brings.",
    )
    crm_payment_count = fields.Integer(compute="_compute_crm_payment_count", string="Payment Count")

    def _compute_crm_payment_count(self):
        counts = {}
        if self.env["crm.payment"].has_access("read"):
            counts = dict(
                self.env["crm.payment"]._read_group(
                    [("campaign_id", "in", self.utm_campaign_id.ids)],
                    ["campaign_id"],
                    ["__count"],
                )
            )
        for operation in self:
            operation.crm_payment_count = counts.get(operation.utm_campaign_id, 0)

    def _collected_payment_domain(self):
        return [
            ("campaign_id", "in", self.utm_campaign_id.ids),
            ("direction", "=", "collection"),
            ("state", "=", "paid"),
        ]

    def _extra_revenue_payment_domain(self):
        """Collected payments that add to the revenue: not those of the won opportunities
        counted in the operations' revenue already."""
        won = self.env["crm.lead"].sudo()._search(self._won_opportunity_domain())
        return [
            *self._collected_payment_domain(),
            "|",
            ("lead_id", "=", False),
            ("lead_id", "not in", won),
        ]

    def _get_actual_revenue_by_operation(self):
        """Won opportunities (see marketing_ops) plus the collected payments of the campaign
        that are not the collection of a won opportunity, converted to the operation's
        currency at their paid date."""
        revenues = defaultdict(float, super()._get_actual_revenue_by_operation())
        groups = (
            self.env["crm.payment"]
            .sudo()
            ._read_group(
                self._extra_revenue_payment_domain(),
                ["campaign_id", "currency_id", "date_paid:day"],
                ["amount:sum"],
            )
        )
        operations = {op.utm_campaign_id: op for op in self}
        for campaign, currency, date_paid, amount in groups:
            operation = operations.get(campaign)
            if not operation:
                continue
            revenues[operation._origin.id] += currency._convert(
                amount,
                operation.currency_id,
                operation.company_id,
                date_paid or fields.Date.today(),
            )
        return dict(revenues)

    def action_view_crm_payments(self):
        self.ensure_one()
        return self.env["crm.payment.figures"]._get_payment_action(
            [("campaign_id", "=", self.utm_campaign_id.id)],
            {
                "default_operation_id": self.id,
                "default_campaign_id": self.utm_campaign_id.id,
                "default_company_id": self.company_id.id,
            },
        )
