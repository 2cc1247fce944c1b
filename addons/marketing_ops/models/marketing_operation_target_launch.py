from odoo import fields, models


class MarketingOperationTarget(models.Model):
    _inherit = "marketing.operation.target"

    launch_queued = fields.Boolean(
        index=True,
        copy=False,
        readonly=True,
        help="Waiting for the background launch of its step.",
    )
    launch_error = fields.Text(
        copy=False, readonly=True, help="Why the background launch of this target failed."
    )
