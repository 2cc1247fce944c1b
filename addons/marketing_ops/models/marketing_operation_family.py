"""The families of operations (``marketing.operation.family``)."""

from odoo import _, fields, models


class MarketingOperationFamily(models.Model):
    """Family of operations: a search filter and the first level of confidentiality."""

    _name = "marketing.operation.family"
    _description = "Marketing Operation Family"
    _order = "sequence, name, id"
    _inherit = ["marketing.confidential.mixin"]

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    is_confidential = fields.Boolean(
        string="Confidential",
        help="Only the users and groups listed here (and Marketing Managers) see the family, its "
        "operations, their steps and targets.",
    )
    user_ids = fields.Many2many(
        "res.users",
        "marketing_operation_family_users_rel",
        "family_id",
        "user_id",
        string="Allowed Users",
        domain=[("share", "=", False)],
    )
    group_ids = fields.Many2many(
        "res.groups",
        "marketing_operation_family_groups_rel",
        "family_id",
        "group_id",
        string="Allowed Groups",
    )
    operation_ids = fields.One2many("marketing.operation", "family_id", string="Operations")

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Another family already has this code."),
    ]

    def _get_neutral_name_depends(self):
        return ["is_confidential", "user_ids", "group_ids"]

    def _get_confidential_records(self):
        return self.filtered("is_confidential")

    def _get_neutral_name(self):
        return _("Confidential family")

    def write(self, vals):
        res = super().write(vals)
        if "is_confidential" in vals:
            # its operations lend their UTM campaign a neutral name, or their own again
            operations = self.env["marketing.operation"].sudo().with_context(active_test=False)
            operations.search([("family_id", "in", self.ids)])._sync_utm_campaign()
        return res
