"""The settings of the suite's marketing operations (``res.config.settings``)."""

from odoo import fields, models

from .marketing_operation_target import DEFAULT_TILE_URL, TILE_URL_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    marketing_fax_gateway_domain = fields.Char(
        related="company_id.marketing_fax_gateway_domain", readonly=False
    )
    marketing_launch_background_threshold = fields.Integer(
        related="company_id.marketing_launch_background_threshold", readonly=False
    )
    marketing_map_tile_url = fields.Char(
        string="Map Tile Server",
        config_parameter=TILE_URL_PARAM,
        default=DEFAULT_TILE_URL,
        help="Address of the map tiles, with {z}, {x} and {y}: OpenStreetMap by default, or a tile "
        "server of the intranet. Without tiles the markers still show.",
    )
