from odoo import fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="cascade",
        help="The emailing step whose message this trace follows (replies and bounces).",
    )
