from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_payment_reminder = fields.Boolean(
        string="Overdue Payment Reminders",
        help="Email the partner when one of their payments becomes overdue.",
    )
    crm_payment_reminder_template_id = fields.Many2one(
        "mail.template",
        string="Overdue Reminder Template",
        domain=[("model", "=", "crm.payment")],
    )
