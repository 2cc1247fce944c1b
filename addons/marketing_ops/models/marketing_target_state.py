"""The statuses of a target in a step (``marketing.target.state``)."""

from odoo import fields, models


class MarketingTargetState(models.Model):
    """Status of a target in a step: "To process", "OK, continue", "Not processed, continue"..."""

    _name = "marketing.target.state"
    _description = "Marketing Target Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [
            ("todo", "To process"),
            ("ok", "Processed, continue"),
            ("skipped", "Not processed, continue"),
            ("stop", "Processed, stop"),
        ],
        required=True,
        default="ok",
        help="To process: waits for the step's launch. Processed or not processed, continue: the "
        "target counts as processed and may move on to the next steps. Processed, stop: the target "
        "is done and goes no further.",
    )
    is_response = fields.Boolean(
        string="Counts as a Response",
        help="Targets in this status count in the response count of the operation.",
    )
    color = fields.Integer()

    def _get_by_kind(self, kind):
        return self.search([("kind", "=", kind)], limit=1)
