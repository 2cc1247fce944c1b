from odoo import _, models


class MarketingOperation(models.Model):
    _inherit = "marketing.operation"

    def action_open_map(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "marketing_ops.target_map",
            "name": _("Map of %(operation)s", operation=self.name),
            "params": {"domain": [("operation_id", "=", self.id)]},
        }
