from odoo import fields, models


class MarketingAutomationParticipant(models.Model):
    _inherit = "marketing.automation.participant"

    response_ids = fields.One2many("marketing.automation.response", "participant_id")
    response_count = fields.Integer(string="Responses", compute="_compute_response_count")

    def _compute_response_count(self):
        data = self.env["marketing.automation.response"]._read_group(
            [("participant_id", "in", self.ids)], ["participant_id"], ["__count"]
        )
        counts = {participant.id: count for participant, count in data}
        for participant in self:
            participant.response_count = counts.get(participant.id, 0)

    def action_view_responses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_automation_ext.marketing_automation_response_action"
        )
        action["domain"] = [("participant_id", "=", self.id)]
        action["context"] = {"default_participant_id": self.id}
        return action
