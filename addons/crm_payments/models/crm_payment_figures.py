from collections import defaultdict

from odoo import api, fields, models


class CrmPaymentFigures(models.AbstractModel):
    """Payment figures (count, collected, balance) of the records payments point to."""

    _name = "crm.payment.figures"
    _description = "Payment Figures"

    @api.model
    def _get_payment_figures(self, field_name, records, currency=None):
        """Per id of ``records`` (the value of ``field_name`` on payments): the count of
        payments, the collected amount (paid collections) and the balance due (due and overdue
        collections minus due and overdue payments), in company currency, or converted into
        ``currency`` when given. Records the user may not
        read payments of get nothing."""
        figures = defaultdict(lambda: {"count": 0, "collected": 0.0, "balance": 0.0})
        Payment = self.env["crm.payment"]
        if not records or not Payment.has_access("read"):
            return figures
        groups = Payment._read_group(
            [(field_name, "in", records.ids)],
            [field_name, "direction", "state", "company_id"],
            ["__count", "amount_company:sum"],
        )
        # records spanning companies (partners) get their amounts converted into ``currency``
        today = fields.Date.context_today(self)
        for record, direction, state, company, count, amount in groups:
            if currency and company.currency_id != currency:
                amount = company.currency_id._convert(amount, currency, self.env.company, today)
            values = figures[record.id]
            values["count"] += count
            if direction == "collection" and state == "paid":
                values["collected"] += amount
            if state in ("due", "overdue"):
                values["balance"] += amount if direction == "collection" else -amount
        return figures

    @api.model
    def _get_payment_action(self, domain, context):
        action = self.env["ir.actions.act_window"]._for_xml_id("crm_payments.crm_payment_action")
        action["domain"] = domain
        action["context"] = context
        return action
