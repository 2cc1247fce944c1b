from odoo import models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_traces(self, trace_status, failure_type=False, failure_reason=False):
        traces = super()._update_sms_traces(
            trace_status, failure_type=failure_type, failure_reason=failure_reason
        )
        if trace_status == "bounce" and traces:
            traces._notify_marketing_automation(None, "sms_bounce")
        return traces
