from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="set null",
    )
    marketing_operation_id = fields.Many2one(
        related="marketing_step_id.operation_id",
        store=True,
        index="btree_not_null",
        string="Marketing Operation",
    )
