"""Responses recorded from the tracked events of the campaigns' messages."""

import logging

from psycopg2 import IntegrityError

from odoo import fields, models
from odoo.tools import plaintext2html

_logger = logging.getLogger(__name__)

# tracked event -> kind of response it records (an open is no response)
EVENT_RESPONSE_KINDS = {
    "mail_reply": "reply",
    "mail_bounce": "bounce",
    "sms_bounce": "bounce",
    "mail_click": "click",
    "sms_click": "click",
}
# context key: {kind: {"body", "email", "author_id", "date"}} of the message behind the event
RESPONSE_CONTEXT_KEY = "marketing_response_values"


class MarketingAutomationTrace(models.Model):
    _inherit = "marketing.automation.trace"

    response_ids = fields.One2many("marketing.automation.response", "trace_id")

    def _create_responses(self, event, event_date=None):
        """Record the response ``event`` is for these (processed) traces: one per trace and
        kind, whatever the number of times the event happens. The incoming message (a reply's
        text, a bounce's reason) comes in the context (``RESPONSE_CONTEXT_KEY``). Three queries
        for any number of traces, and the insert."""
        kind = EVENT_RESPONSE_KINDS.get(event)
        if not kind or not self:
            return self.env["marketing.automation.response"]
        Response = self.env["marketing.automation.response"].sudo()
        done = Response.search([("trace_id", "in", self.ids), ("kind", "=", kind)]).trace_id
        traces = (self - done).sudo()
        if not traces:
            return Response
        message = (self.env.context.get(RESPONSE_CONTEXT_KEY) or {}).get(kind) or {}
        body = message.get("body") or False
        if body and message.get("plaintext"):
            body = plaintext2html(body)
        date = event_date or fields.Datetime.now()
        if message.get("date"):
            try:
                date = min(fields.Datetime.to_datetime(message["date"]), date)
            except ValueError:
                _logger.info("Unreadable date of a response: %s", message["date"])
        partners = Response._get_partners_of(traces.participant_id)
        author = message.get("author_id") or False
        channel = "sms" if event.startswith("sms_") else "mail"
        vals_list = []
        for trace in traces:
            mailing_trace = trace.mailing_trace_ids.filtered(lambda t, c=channel: t.trace_type == c)
            partner = partners.get(trace.participant_id.id)
            vals_list.append(
                {
                    "participant_id": trace.participant_id.id,
                    "campaign_id": trace.campaign_id.id,
                    "activity_id": trace.activity_id.id,
                    "trace_id": trace.id,
                    "mailing_trace_id": mailing_trace[:1].id,
                    "partner_id": partner.id if partner else author,
                    "kind": kind,
                    "date": date,
                    "body": body,
                    "email": message.get("email") or mailing_trace[:1].email or False,
                }
            )
        try:
            with self.env.cr.savepoint():
                return Response.create(vals_list)
        except IntegrityError:
            # the same event recorded at the same moment by another transaction
            _logger.info("Responses of %s traces already recorded", len(traces))
            return Response
