from odoo import _, models


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    def action_open_map(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "marketing_ops.target_map",
            "name": _("Map of %(step)s", step=self.name),
            "params": {"domain": [("step_id", "=", self.id)]},
        }
