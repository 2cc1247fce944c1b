from odoo import fields, models


class MarketingOperationStepClose(models.TransientModel):
    """Offered after a launch that left nothing to process: set the step done, or keep it open."""

    _name = "marketing.operation.step.close"
    _description = "Set a Processed Marketing Step Done"

    step_id = fields.Many2one("marketing.operation.step", required=True, ondelete="cascade")

    def action_set_done(self):
        self.step_id.action_set_done()
        return {"type": "ir.actions.act_window_close"}
