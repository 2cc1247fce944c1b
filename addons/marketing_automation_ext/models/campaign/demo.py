"""The computed part of the demo data (``demo/marketing_automation_demo.xml`` calls it): the
demo campaign and the history the scheduler and the tracking would have written for it."""

from odoo import SUPERUSER_ID, api, models
from odoo.osv import expression

DEMO_CAMPAIGN_XMLID = "marketing_automation_ext.marketing_automation_campaign_demo_prospection"
DEMO_TEMPLATE_XMLID = "marketing_automation_ext.marketing_automation_template_prospection"
# the demo writes to the reserved example.com domain only (RFC 2606): never to anyone
DEMO_RECIPIENT_DOMAIN = [
    "|",
    ("email_normalized", "=like", "%@example.com"),
    ("email_normalized", "=like", "%.example.com"),
]
DEMO_REPLY = """\
Hello,

Thank you for the catalogue. Could you also send us the printed version,
and call me next week about the prices of the new range?

Best regards
"""


class MarketingAutomationCampaignDemo(models.Model):
    _inherit = "marketing.automation.campaign"

    # ------------------------------------------------------------------ DEMO DATA

    @api.model
    def _load_demo_campaign(self, user_id, category_id):
        """Demo data: the "Commercial prospection" template's campaign, owned by the
        salesperson ``user_id``, running on the companies of the tag ``category_id`` whose
        address is at example.com, with the history the scheduler and the tracking would have
        written for it: the catalogue sent to each company, a few opens, two clicks (and the
        calls they schedule), one reply by email, and the reminders of those who did not open
        it waiting for their date. Nothing leaves the database: the queued mails are recorded
        as delivered, as a mail server would have. Loading it again changes nothing."""
        campaign = self.env.ref(DEMO_CAMPAIGN_XMLID, raise_if_not_found=False)
        if campaign:
            return campaign
        # notifications (the calls assigned to the salesperson) wait in the mail queue, where
        # they are recorded as delivered, instead of being sent at once
        demo = self.with_context(mail_notify_force_send=False)
        user = demo.env["res.users"].browse(user_id)
        # what the salesperson does, as they would do it (their name on the campaign and as
        # the sender of its mails); the crons below run as the scheduler runs them
        Campaign = demo.with_user(user).sudo()
        first_mail_id = demo._demo_last_mail_id()
        template = demo.env.ref(DEMO_TEMPLATE_XMLID).with_env(Campaign.env)
        campaign = Campaign.browse(template.action_create_campaign()["res_id"])
        campaign.domain = repr(
            expression.AND(
                [
                    campaign._get_filter_domain(),
                    [("category_id", "in", [category_id])],
                    DEMO_RECIPIENT_DOMAIN,
                ]
            )
        )
        demo.env["ir.model.data"]._update_xmlids(
            [{"xml_id": DEMO_CAMPAIGN_XMLID, "record": campaign, "noupdate": True}]
        )
        campaign.action_start()
        demo._demo_run_scheduler()
        campaign._demo_deliver_mails(first_mail_id)

        catalogue = campaign.activity_ids.filtered(lambda a: a.trigger_type == "begin")
        traces = catalogue.trace_ids.filtered(lambda t: t.state == "processed").sorted(
            lambda t: (t.record_name or "", t.id)
        )
        mailing_traces = demo.env["mailing.trace"].sudo()
        for trace in traces:
            mailing_traces |= trace.mailing_trace_ids
        clicking, replying, opening = mailing_traces[:2], mailing_traces[2:3], mailing_traces[3:4]
        opening.set_opened()
        campaign._demo_click(clicking, catalogue.mailing_id)
        for mailing_trace in replying:
            campaign._demo_reply(mailing_trace)
        # the calls the clicks scheduled are due at once; the reminders wait for their date
        demo._demo_run_scheduler()
        campaign._demo_deliver_mails(first_mail_id)
        return campaign

    @api.model
    def _demo_last_mail_id(self):
        return self.env["mail.mail"].sudo().search([], order="id desc", limit=1).id or 0

    @api.model
    def _demo_run_scheduler(self):
        """Enrol and execute what is due, as the enrolment and execution crons do."""
        scheduler = self.env(user=SUPERUSER_ID, su=True)
        scheduler["marketing.automation.campaign"]._cron_enrol()
        Trace = scheduler["marketing.automation.trace"]
        for _batch in range(100):
            remaining, _next_date = Trace._get_due_stats()
            if not remaining:
                break
            Trace._cron_execute()

    def _demo_deliver_mails(self, first_mail_id):
        """Record the mails queued since ``first_mail_id`` as delivered, the way the mail
        queue records a mail its server accepted, so that the queue never sends them."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("id", ">", first_mail_id), ("state", "=", "outgoing")])
        )
        if mails:
            mails.write({"state": "sent", "failure_reason": False})
            mails._postprocess_sent_message(success_pids=mails.recipient_ids)

    def _demo_click(self, mailing_traces, mailing):
        """The recipients of ``mailing_traces`` click the catalogue link of ``mailing``, through
        the link tracker as the redirection of a tracked link records it."""
        link = (
            self.env["link.tracker"]
            .sudo()
            .search([("mass_mailing_id", "=", mailing.id), ("url", "like", "/catalogue")], limit=1)
        )
        Click = self.env["link.tracker.click"].sudo()
        for index, mailing_trace in enumerate(mailing_traces, start=1):
            Click.add_click(
                link.code,
                ip=f"192.0.2.{index}",
                country_code=self._demo_country_code(mailing_trace),
                mailing_trace_id=mailing_trace.id,
            )

    def _demo_country_code(self, mailing_trace):
        record = self.env[mailing_trace.model].sudo().browse(mailing_trace.res_id)
        country = record["country_id"] if "country_id" in record._fields else False
        return country.code if country else False

    def _demo_reply(self, mailing_trace):
        """The recipient of ``mailing_trace`` answers the email: the reply comes in through the
        mail gateway, which attaches it to the record (when it matches no alias, as an incoming
        mail server of that model does) and marks the mailing trace replied."""
        record = self.env[mailing_trace.model].sudo().browse(mailing_trace.res_id)
        # the delivered mail and its message are gone (auto-deleted): its mailing remains
        mailing = mailing_trace.mass_mailing_id.sudo()
        raw = (
            f"From: {record.display_name} <{mailing_trace.email}>\r\n"
            f"To: {mailing.reply_to or mailing.email_from or 'catchall@example.com'}\r\n"
            f"Subject: Re: {mailing.subject}\r\n"
            f"Message-Id: <demo-reply-{mailing_trace.id}@example.com>\r\n"
            f"In-Reply-To: {mailing_trace.message_id}\r\n"
            f"References: {mailing_trace.message_id}\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n" + DEMO_REPLY.replace("\n", "\r\n")
        )
        self.env["mail.thread"].with_user(SUPERUSER_ID).message_process(
            mailing_trace.model, raw, thread_id=record.id
        )
