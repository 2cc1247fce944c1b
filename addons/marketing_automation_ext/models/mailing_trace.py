from odoo import fields, models

from .trace.trace import RESPONSE_CONTEXT_KEY


class MailingTrace(models.Model):
    _inherit = "mailing.trace"

    marketing_trace_id = fields.Many2one(
        "marketing.automation.trace",
        string="Automation Trace",
        ondelete="set null",
        index="btree_not_null",
        # its name is the automation activity's: for automation users only
        groups="marketing_automation_ext.marketing_automation_ext_group_user",
    )

    def _notify_marketing_automation(self, mail_event, sms_event=None):
        """Forward a tracking event of the host to the automation traces behind these
        mailing traces (emails: ``mail_event``; SMS: ``sms_event``)."""
        traces = self.sudo().filtered("marketing_trace_id")
        if not traces:
            return
        mail_traces = traces.filtered(lambda t: t.trace_type == "mail")
        if mail_event and mail_traces:
            mail_traces.marketing_trace_id._process_event(mail_event)
        sms_traces = traces.filtered(lambda t: t.trace_type == "sms")
        if sms_event and sms_traces:
            sms_traces.marketing_trace_id._process_event(sms_event)

    def set_opened(self, domain=None):
        traces = super().set_opened(domain=domain)
        traces._notify_marketing_automation("mail_open")
        return traces

    def set_clicked(self, domain=None):
        traces = super().set_clicked(domain=domain)
        traces._notify_marketing_automation("mail_click", "sms_click")
        return traces

    def set_replied(self, domain=None):
        traces = super().set_replied(domain=domain)
        traces._notify_marketing_automation("mail_reply")
        return traces

    def set_bounced(self, domain=None, bounce_message=False):
        traces = super().set_bounced(domain=domain, bounce_message=bounce_message)
        if bounce_message:
            # the reason of the bounce is the text of the response it records
            bounce = {"bounce": {"body": bounce_message, "plaintext": True}}
            traces = traces.with_context(**{RESPONSE_CONTEXT_KEY: bounce})
        traces._notify_marketing_automation("mail_bounce", "sms_bounce")
        return traces
