from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    marketing_response_count = fields.Integer(
        string="Campaign Responses",
        compute="_compute_marketing_response_count",
        groups="marketing_automation_ext.marketing_automation_ext_group_user",
        help="Replies, bounces, clicks and imported responses of this contact to automated "
        "campaigns (a reply counts once per campaign message; tests left out).",
    )

    def _compute_marketing_response_count(self):
        data = self.env["marketing.automation.response"]._read_group(
            [("partner_id", "in", self.ids), ("is_test", "=", False)],
            ["partner_id"],
            ["__count"],
        )
        counts = {partner.id: count for partner, count in data}
        for partner in self:
            partner.marketing_response_count = counts.get(partner.id, 0)

    def action_view_marketing_responses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_automation_ext.marketing_automation_response_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_filter_not_test": 1}
        return action
