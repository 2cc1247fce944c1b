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
        that would reach it: matching its filter, having reached its parent, and, below an
        email, having an address that is not blacklisted (the others are rejected there).
        Activities that wait for an event count the records that could reach them (upper
        bound); so do those below an SMS, whose numbers are checked when it runs."""
        self.ensure_one()
        Model = self.env[self.model_name].with_context(active_test=False)
        entering_ids = self._get_enrol_candidate_ids()
        result = {"entering": len(entering_ids), "activities": {}}
        reached, upper_bound = {}, {}
        for activity in self.activity_ids.sorted("path"):
            parent = activity.parent_id
            source = reached[parent.id] if parent else set(entering_ids)
            ids = set()
            if source:
                domain = expression.AND(
                    [[("id", "in", list(source))], activity._get_filter_domain()]
                )
                ids = set(Model.search(domain).ids)
            if activity.activity_type == "email" and ids:
                emails, blacklisted = self.env["mailing.mailing"]._get_automation_emails(
                    Model.browse(list(ids))
                )
                ids = {
                    record_id
                    for record_id in ids
                    if emails and emails.get(record_id) and emails[record_id] not in blacklisted
                }
            reached[activity.id] = ids
            upper_bound[activity.id] = (
                upper_bound.get(parent.id, False)
                or activity.trigger_type not in ("begin", "activity")
                or activity.activity_type == "sms"
            )
            note = (
                _("At most: depends on how participants react.") if upper_bound[activity.id] else ""
            )
            result["activities"][activity.id] = {"reached": len(ids), "note": note}
        return result
