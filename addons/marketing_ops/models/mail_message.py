"""The messages sent by an emailing step (``mail.message``): their step."""

from odoo import fields, models


class MailMessage(models.Model):
    _inherit = "mail.message"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="set null",
        help="The marketing step that sent this message.",
    )
