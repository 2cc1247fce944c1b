from odoo import api, fields, models


class MarketingAutomationDryRun(models.TransientModel):
    """How many records would enter a campaign and reach each activity, given the filters:
    nothing is sent and no campaign data is written."""

    _name = "marketing.automation.dry.run"
    _description = "Automated Campaign Dry Run"

    campaign_id = fields.Many2one("marketing.automation.campaign", required=True, readonly=True)
    entering_count = fields.Integer(string="Records entering", readonly=True)
    line_ids = fields.One2many("marketing.automation.dry.run.line", "dry_run_id", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            result = wizard.campaign_id._dry_run()
            wizard.entering_count = result["entering"]
            wizard.line_ids = [
                fields.Command.create(
                    {
                        "activity_id": activity_id,
                        "reached_count": counts["reached"],
                        "note": counts["note"],
                    }
                )
                for activity_id, counts in result["activities"].items()
            ]
        return wizards


class MarketingAutomationDryRunLine(models.TransientModel):
    _name = "marketing.automation.dry.run.line"
    _description = "Automated Campaign Dry Run Line"
    _order = "path, id"

    dry_run_id = fields.Many2one("marketing.automation.dry.run", required=True, ondelete="cascade")
    activity_id = fields.Many2one("marketing.automation.activity", readonly=True)
    path = fields.Char(related="activity_id.path")
    depth = fields.Integer(related="activity_id.depth")
    trigger_type = fields.Selection(related="activity_id.trigger_type")
    reached_count = fields.Integer(string="Reaching", readonly=True)
    note = fields.Char(readonly=True)
