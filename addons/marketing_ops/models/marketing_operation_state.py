"""The states of operations and steps (``marketing.operation.state``)."""

from odoo import fields, models


class MarketingOperationState(models.Model):
    """Configurable, ordered states of operations and of their steps."""

    _name = "marketing.operation.state"
    _description = "Marketing Operation State"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [
            ("draft", "In preparation"),
            ("progress", "In progress"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        required=True,
        default="progress",
        help="What the state means to the application: a step whose state is of kind Done is "
        "finished, and the first state of that kind is the one offered when a step has no target "
        "left to process.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    applies_to = fields.Selection(
        [("all", "Operations and steps"), ("operation", "Operations"), ("step", "Steps")],
        required=True,
        default="all",
    )

    def _get_default(self, scope, kind="draft"):
        return self.search([("applies_to", "in", ("all", scope)), ("kind", "=", kind)], limit=1)
