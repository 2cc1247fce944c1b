from odoo import _, fields, models
from odoo.exceptions import UserError

# the recipients of an automation mailing are the campaign's participants, never its domain
NO_RECIPIENT_DOMAIN = "[('id', '=', False)]"


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    # Email Marketing users without automation rights read mailings too
    marketing_activity_ids = fields.One2many(
        "marketing.automation.activity",
        "mailing_id",
        string="Automation Activities",
        groups="marketing_automation_ext.marketing_automation_ext_group_user",
    )
    is_automation_mailing = fields.Boolean(
        string="Sent by an Automated Campaign",
        readonly=True,
        copy=False,
        help="Its emails or SMS are sent by the activities of an automated campaign, to their "
        "participants; it cannot be sent from Email Marketing.",
    )

    def _check_not_automated(self):
        automated = self.filtered(
            lambda m: m.is_automation_mailing or m.sudo().marketing_activity_ids
        )
        if automated:
            raise UserError(
                _(
                    "Mailing %(name)s is sent by an automated campaign: start or stop the campaign"
                    " instead of sending it from here.",
                    name=automated[0].subject,
                )
            )

    def action_launch(self):
        self._check_not_automated()
        return super().action_launch()

    def action_schedule(self):
        self._check_not_automated()
        return super().action_schedule()

    def action_put_in_queue(self):
        self._check_not_automated()
        return super().action_put_in_queue()

    def _action_send_mail(self, res_ids=None):
        # "Send now" of SMS mailings and the mass mailing queue both end here
        self._check_not_automated()
        return super()._action_send_mail(res_ids=res_ids)
