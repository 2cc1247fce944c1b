import re

from odoo import _, fields, models


class MarketingOperationStepFunction(models.TransientModel):
    _name = "marketing.operation.step.function"
    _description = "Target Contacts by Function"

    step_id = fields.Many2one("marketing.operation.step", required=True, ondelete="cascade")
    functions = fields.Char(
        required=True,
        help='Parts of job positions separated by commas, e.g. "purchas, quality": contacts of '
        "the targeted companies whose job position contains one of them are targeted.",
    )
    result = fields.Text(readonly=True)

    def action_apply(self):
        self.ensure_one()
        added = self.step_id._add_contacts_by_function(re.split(r"[,;\n]", self.functions))
        self.result = _("%(count)s contacts added.", count=len(added))
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
