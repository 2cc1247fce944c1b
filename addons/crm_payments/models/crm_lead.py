from odoo import _, fields, models
from odoo.exceptions import UserError


class CrmLead(models.Model):
    _inherit = "crm.lead"

    payment_ids = fields.One2many(
        "crm.payment", "lead_id", string="Payments", groups="crm_payments.crm_payments_group_user"
    )
    payment_count = fields.Integer(compute="_compute_payment_figures")
    payment_collected = fields.Monetary(
        compute="_compute_payment_figures",
        string="Collected",
        currency_field="company_currency",
        help="Paid collections of this opportunity.",
    )
    payment_balance = fields.Monetary(
        compute="_compute_payment_figures",
        string="Balance Due",
        currency_field="company_currency",
        help="Due and overdue collections minus due and overdue payments.",
    )

    def _compute_payment_figures(self):
        figures = self.env["crm.payment.figures"]._get_payment_figures("lead_id", self._origin)
        for lead in self:
            values = figures[lead._origin.id]
            lead.payment_count = values["count"]
            lead.payment_collected = values["collected"]
            lead.payment_balance = values["balance"]

    def action_view_payments(self):
        self.ensure_one()
        context = {
            "default_lead_id": self.id,
            "default_partner_id": self.partner_id.id,
            "default_company_id": self.company_id.id or self.env.company.id,
            "default_user_id": self.user_id.id or self.env.user.id,
        }
        return self.env["crm.payment.figures"]._get_payment_action(
            [("lead_id", "=", self.id)], context
        )

    def action_open_instalments(self):
        self.ensure_one()
        if self.type != "opportunity":
            raise UserError(
                _("Convert %(name)s into an opportunity to plan its instalments.", name=self.name)
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Plan Instalments"),
            "res_model": "crm.lead.instalment",
            "view_mode": "form",
            "target": "new",
            "context": {"default_lead_id": self.id},
        }
