"""The UTM campaigns of operations (``utm.campaign``), kept as long as their operation."""

from odoo import _, api, models
from odoo.exceptions import UserError


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_marketing_operation(self):
        """The UTM campaign of an operation stays as long as the operation: its leads,
        mailings, costs and payments meet on it."""
        operation = (
            self.env["marketing.operation"]
            .sudo()
            .with_context(active_test=False)
            .search([("utm_campaign_id", "in", self.ids)], limit=1)
        )
        if operation:
            raise UserError(
                _(
                    "The UTM campaign %(campaign)s belongs to the marketing operation "
                    "%(operation)s: it cannot be deleted while the operation exists.",
                    campaign=operation.utm_campaign_id.title,
                    operation=operation.with_env(self.env).display_name,
                )
            )
