from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_payment_reminder = fields.Boolean(related="company_id.crm_payment_reminder", readonly=False)
    crm_payment_reminder_template_id = fields.Many2one(
        related="company_id.crm_payment_reminder_template_id", readonly=False
    )
