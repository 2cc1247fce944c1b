from odoo import api, models

from .trace.trace import RESPONSE_CONTEXT_KEY


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        """An incoming reply to a campaign's message: the host marks its mailing traces replied
        while routing it; the reply's text, author and date go with that event, for the response
        it records."""
        if routes and (message_dict.get("references") or message_dict.get("in_reply_to")):
            values = {
                "reply": {
                    "body": message_dict.get("body"),
                    "email": message_dict.get("email_from"),
                    "author_id": message_dict.get("author_id"),
                    "date": message_dict.get("date"),
                }
            }
            thread = self.with_context(**{RESPONSE_CONTEXT_KEY: values})
            return super(MailThread, thread)._message_route_process(message, message_dict, routes)
        return super()._message_route_process(message, message_dict, routes)
