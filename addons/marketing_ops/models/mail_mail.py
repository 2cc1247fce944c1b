"""The sending of the queued messages of emailing steps (``mail.mail``): their traces."""

from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, failure_reason=False, failure_type=None):
        """The traces of the messages of emailing steps follow their sending, as those of a
        mailing do: delivered, or failed with the reason, so that the operation's UTM campaign
        counts them."""
        traces = self.filtered(lambda m: m.marketing_step_id and not m.mailing_id).sudo()
        traces = traces.mailing_trace_ids.filtered("marketing_step_id")
        if failure_type:
            traces.set_failed(failure_type=failure_type)
        else:
            traces.set_sent()
        return super()._postprocess_sent_message(
            success_pids, failure_reason=failure_reason, failure_type=failure_type
        )
