from odoo import fields, models
from odoo.tools import SQL


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    def _queue_automation_mails(self, traces, records, emails, author_id):
        mails = super()._queue_automation_mails(traces, records, emails, author_id)
        if mails and self.reply_to_mode == "update":
            # as the host's composer: replies go to the records' threads, whose messages stay
            # when the sent mails are deleted, for the mail gateway to route the replies there
            self.env["mail.mail"].flush_model(["is_notification"])
            self.env.execute_query(
                SQL("UPDATE mail_mail SET is_notification = TRUE WHERE id = ANY(%s)", mails.ids)
            )
            mails.invalidate_recordset(["is_notification"])
        # the campaign's incoming mail servers are checked for replies after each send
        traces.campaign_id._plan_response_fetch(fields.Datetime.now())
        return mails
