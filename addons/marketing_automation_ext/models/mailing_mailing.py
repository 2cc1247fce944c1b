from odoo import _, fields, models
from odoo.exceptions import UserError


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    marketing_activity_ids = fields.One2many(
        "marketing.automation.activity", "mailing_id", string="Automation Activities"
    )

    def _check_not_automated(self):
        automated = self.filtered("marketing_activity_ids")
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
