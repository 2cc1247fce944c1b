from odoo import _, api, models
from odoo.exceptions import UserError


class UtmCampaign(models.Model):
    _inherit = "utm.campaign"

    @api.ondelete(at_uninstall=False)
    def _unlink_except_automated_campaign(self):
        """An automated campaign owns its UTM campaign: deleting it would lose the campaign's
        statistics (or the campaign itself), whoever tries."""
        owners = (
            self.env["marketing.automation.campaign"]
            .sudo()
            .with_context(active_test=False)
            .search([("utm_campaign_id", "in", self.ids)], limit=1)
        )
        if owners:
            raise UserError(
                _(
                    "UTM campaign %(utm)s belongs to the automated campaign %(name)s: it cannot "
                    "be deleted while that campaign exists.",
                    utm=owners.utm_campaign_id.title,
                    name=owners.name,
                )
            )
