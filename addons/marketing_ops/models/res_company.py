"""The company settings of marketing operations (``res.company``): fax gateway, background launch."""

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    marketing_fax_gateway_domain = fields.Char(
        string="Fax Gateway Domain",
        help="Domain of the email-to-fax gateway: faxing steps send to <fax number>@<domain>.",
    )
    marketing_launch_background_threshold = fields.Integer(
        string="Background Launch Above",
        default=500,
        help="Emailing and faxing launches of more targets than this run in the background.",
    )
