"""The traces of the messages of emailing steps (``mailing.trace``), in their UTM campaign."""

from odoo import api, fields, models


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="cascade",
        help="The emailing step whose message this trace follows (replies and bounces).",
    )
    # the messages of emailing steps count in their operation's UTM campaign, under their step's
    # source, as those of a mailing do in the mailing's
    campaign_id = fields.Many2one(
        "utm.campaign", related=False, compute="_compute_campaign_id", store=True
    )
    source_id = fields.Many2one("utm.source", related=False, compute="_compute_source_id")

    @api.depends("mass_mailing_id.campaign_id", "marketing_step_id.operation_id.utm_campaign_id")
    def _compute_campaign_id(self):
        for trace in self:
            trace.campaign_id = (
                trace.mass_mailing_id.campaign_id
                or trace.marketing_step_id.operation_id.utm_campaign_id
            )

    @api.depends("mass_mailing_id.source_id", "marketing_step_id.utm_source_id")
    def _compute_source_id(self):
        for trace in self:
            trace.source_id = (
                trace.mass_mailing_id.source_id or trace.marketing_step_id.utm_source_id
            )
