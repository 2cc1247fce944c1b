"""Partners (``res.partner``): fax number, marketing opt-out and their targets."""

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    fax = fields.Char(help="Fax number, used by faxing steps through the company's fax gateway.")
    marketing_opt_out = fields.Boolean(
        string="No Marketing Emails",
        help="The partner refuses marketing emails: emailing steps skip it.",
    )
    marketing_target_count = fields.Integer(
        compute="_compute_marketing_target_count",
        string="Marketing Targets",
        groups="marketing_ops.marketing_ops_group_user",
    )

    def _compute_marketing_target_count(self):
        counts = dict(
            self.env["marketing.operation.target"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.marketing_target_count = counts.get(partner._origin, 0)

    def action_view_marketing_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_ops.marketing_operation_target_action"
        )
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"search_default_group_operation": 1}
        return action
