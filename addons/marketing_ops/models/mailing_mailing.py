"""The mailing of a mass emailing step (``mailing.mailing``): its step."""

from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
    )

    def _action_send_mail(self, res_ids=None):
        res = super()._action_send_mail(res_ids=res_ids)
        for mailing in self.filtered(lambda m: m.marketing_step_id and m.state == "done"):
            mailing.marketing_step_id.sudo()._close_mailing_targets()
        return res
