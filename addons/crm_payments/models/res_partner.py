from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_payment_count = fields.Integer(
        compute="_compute_crm_payment_figures", string="CRM Payment Count"
    )
    crm_payment_balance = fields.Monetary(
        compute="_compute_crm_payment_figures",
        string="CRM Balance Due",
        currency_field="crm_payment_currency_id",
        help="Due and overdue collections minus due and overdue payments of this company and "
        "its contacts, in the currency of the current company.",
    )
    crm_payment_currency_id = fields.Many2one(
        "res.currency", compute="_compute_crm_payment_figures", string="CRM Payment Currency"
    )

    def _compute_crm_payment_figures(self):
        commercial = self.commercial_partner_id
        figures = self.env["crm.payment.figures"]._get_payment_figures(
            "commercial_partner_id", commercial._origin, currency=self.env.company.currency_id
        )
        for partner in self:
            values = figures[partner.commercial_partner_id._origin.id]
            partner.crm_payment_count = values["count"]
            partner.crm_payment_balance = values["balance"]
            partner.crm_payment_currency_id = self.env.company.currency_id

    def action_view_crm_payments(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        return self.env["crm.payment.figures"]._get_payment_action(
            [("commercial_partner_id", "=", partner.id)],
            {"default_partner_id": self.id},
        )
