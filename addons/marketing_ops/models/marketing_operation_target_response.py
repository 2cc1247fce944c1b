from odoo import api, fields, models


class MarketingOperationTarget(models.Model):
    _inherit = "marketing.operation.target"

    response_date = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the target came to a status that counts as a response; empty while its "
        "status does not count as one.",
    )

    def _is_response_state(self, state_id):
        return bool(state_id) and self.env["marketing.target.state"].browse(state_id).is_response

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if "response_date" not in vals and self._is_response_state(vals.get("state_id")):
                vals["response_date"] = now
        return super().create(vals_list)

    def write(self, vals):
        if "state_id" not in vals or "response_date" in vals:
            return super().write(vals)
        if not self._is_response_state(vals["state_id"]):
            return super().write({**vals, "response_date": False})
        # a target moved from one response status to another keeps the day it responded
        new_responses = self.filtered(lambda target: not target.response_date)
        result = super().write(vals)
        if new_responses:
            super(MarketingOperationTarget, new_responses).write(
                {"response_date": fields.Datetime.now()}
            )
        return result
