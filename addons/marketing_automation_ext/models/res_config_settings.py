from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    marketing_automation_send_batch_size = fields.Integer(
        string="Messages per Batch",
        config_parameter="marketing_automation_ext.send_batch_size",
        help="Emails and SMS an automated campaign sends at most per batch, unless the campaign "
        "sets its own. 0: no limit.",
    )
    marketing_automation_send_batch_interval = fields.Integer(
        string="Minutes between Batches",
        config_parameter="marketing_automation_ext.send_batch_interval",
        help="Minutes an automated campaign waits after a batch before the next one, unless the "
        "campaign sets its own. 0: no wait.",
    )
    marketing_automation_pressure_cap = fields.Integer(
        string="Emails per Contact per 7 Days",
        config_parameter="marketing_automation_ext.pressure_cap",
        help="At most this many emails of the automated campaigns reach one contact in any 7 "
        "days, all campaigns together; the others wait until the contact may receive them. "
        "0: no cap.",
    )

    @api.constrains(
        "marketing_automation_send_batch_size",
        "marketing_automation_send_batch_interval",
        "marketing_automation_pressure_cap",
    )
    def _check_marketing_automation_pace(self):
        for settings in self:
            if (
                min(
                    settings.marketing_automation_send_batch_size,
                    settings.marketing_automation_send_batch_interval,
                    settings.marketing_automation_pressure_cap,
                )
                < 0
            ):
                raise models.ValidationError(
                    self.env._("The sending pace and the pressure cap cannot be negative.")
                )

    def set_values(self):
        res = super().set_values()
        # the next batches of the paced campaigns may come earlier: plan them again
        self.env["marketing.automation.trace"].sudo()._wake_execute_cron()
        return res
