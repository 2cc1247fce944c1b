from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    marketing_fax_gateway_domain = fields.Char(
        related="company_id.marketing_fax_gateway_domain", readonly=False
    )
    marketing_launch_background_threshold = fields.Integer(
        related="company_id.marketing_launch_background_threshold", readonly=False
    )
