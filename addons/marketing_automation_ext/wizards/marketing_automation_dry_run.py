from odoo import _, api, fields, models
from odoo.osv import expression


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


class MarketingAutomationCampaign(models.Model):
    _inherit = "marketing.automation.campaign"

    def _dry_run(self):
        """{'entering': n, 'activities': {activity id: {'reached': n, 'note': text}}}: the
        records that would enter now (as enrolment picks them) and, for each activity, those
        whose record matches the filters of the activity and of all its ancestors. Activities
        that wait for an event count the records that could reach them (upper bound)."""
        self.ensure_one()
        Model = self.env[self.model_name]
        entering_ids = self._get_enrol_candidate_ids()
        base = [("id", "in", entering_ids)]
        result = {"entering": len(entering_ids), "activities": {}}
        for activity in self.activity_ids.sorted("path"):
            domains, node, note = [base], activity, False
            while node:
                domains.append(node._get_filter_domain())
                if node.trigger_type not in ("begin", "activity"):
                    note = _("At most: depends on how participants react.")
                node = node.parent_id
            reached = (
                Model.with_context(active_test=False).search_count(expression.AND(domains))
                if entering_ids
                else 0
            )
            result["activities"][activity.id] = {"reached": reached, "note": note or ""}
        return result
