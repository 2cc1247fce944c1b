from datetime import datetime, timedelta

from odoo.tests import new_test_user, tagged
from odoo.tools import email_normalize

from .common import NOW, MarketingAutomationCommon

REPLY_TIME = NOW + timedelta(hours=2)
# the Date header of the replies below, read from its text: Mon, 02 Mar 2026 11:00:00 +0000
REPLY_HEADER_DATE = datetime(2026, 3, 2, 11, 0)


def reply_email(email_from, in_reply_to, message_id, body, to="offers@test.example.com"):
    """A raw reply as the mail gateway receives it."""
    return (
        f"From: {email_from}\r\n"
        f"To: {to}\r\n"
        "Subject: Re: Our offer\r\n"
        f"Message-Id: {message_id}\r\n"
        f"In-Reply-To: {in_reply_to}\r\n"
        f"References: {in_reply_to}\r\n"
        "Date: Mon, 02 Mar 2026 11:00:00 +0000\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: text/plain; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        f"{body}\r\n"
    ).encode()


class ResponseCase(MarketingAutomationCommon):
    """A campaign whose email went out to the five contacts, its replies routed to them."""

    def _send_campaign(self, reply_to_mode="update", **campaign_values):
        campaign = self._create_campaign(**campaign_values)
        email = self._create_activity(campaign, "Offer")
        email.mailing_id.reply_to_mode = reply_to_mode
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway(mail_unlink_sent=True):
            self._start(campaign)
            self._run_due()
            self._queued_mails(campaign).send()
            sent = {
                email_normalize(mail["email_to"][0]): mail["message_id"] for mail in self._mails
            }
        return campaign, email, sent

    def _reply(self, partner, sent, body, message_id, model=False, at=REPLY_TIME):
        """Hand the reply to the gateway at ``at``."""
        raw = reply_email(partner.email_formatted, sent[partner.email_normalized], message_id, body)
        with self.mock_datetime_and_now(at), self.mock_mail_gateway():
            return self.env["mail.thread"].message_process(model, raw)


@tagged("post_install", "-at_install")
class TestCampaignResponses(ResponseCase):
    def test_reply_through_the_gateway(self):
        campaign, email, sent = self._send_campaign()
        partner, other = self.partners[:2]
        trace = self._trace_of(email, partner)
        self.assertEqual(sent[partner.email_normalized], trace.mailing_trace_ids.message_id)
        # the mail server hands the reply over three hours after it was written
        processed = REPLY_HEADER_DATE + timedelta(hours=3)
        thread_id = self._reply(
            partner, sent, "Yes, please call me.", "<reply-1@client.example>", at=processed
        )
        # routed to the contact's thread, as the host routes replies to a record's message
        self.assertEqual(thread_id, partner.id)
        self.assertEqual(trace.reply_datetime, processed, "the event: when it was processed")
        response = campaign.response_ids
        self.assertEqual(len(response), 1)
        self.assertEqual(response.kind, "reply")
        self.assertEqual(response.participant_id, trace.participant_id)
        self.assertEqual(response.activity_id, email)
        self.assertEqual(response.trace_id, trace)
        self.assertEqual(response.mailing_trace_id, trace.mailing_trace_ids)
        self.assertEqual(response.partner_id, partner)
        self.assertIn("Yes, please call me.", response.body)
        # the Date header of the reply (11:00 UTC), not the time it was processed (14:00)
        self.assertEqual(response.date, REPLY_HEADER_DATE)
        # the same reply processed twice, and another reply to the same message: counted once
        self._reply(partner, sent, "Yes, please call me.", "<reply-1@client.example>")
        self._reply(partner, sent, "Did you get my answer?", "<reply-2@client.example>")
        self.assertEqual(len(campaign.response_ids), 1)
        self._reply(other, sent, "Not interested.", "<reply-3@client.example>")
        as_user = campaign.with_user(self.ma_user)
        self.assertEqual(as_user.response_count, 2)
        participant = trace.participant_id.with_user(self.ma_user)
        self.assertEqual(participant.response_count, 1)
        self.assertEqual(partner.with_user(self.ma_user).marketing_response_count, 1)
        self.assertEqual(other.with_user(self.ma_user).marketing_response_count, 1)
        self.assertEqual(self.partners[2].with_user(self.ma_user).marketing_response_count, 0)
        action = partner.with_user(self.ma_user).action_view_marketing_responses()
        found = self.env[action["res_model"]].with_user(self.ma_user).search(action["domain"])
        self.assertEqual(found, response)

    def test_reply_to_a_dedicated_address(self):
        """Mailings to contacts reply to a dedicated address by default: the mail server of
        that address hands the reply to the gateway with its default model."""
        campaign, _email, sent = self._send_campaign(reply_to_mode="new")
        partner = self.partners[0]
        self._reply(partner, sent, "Send me the catalogue", "<reply-4@client.example>", "crm.lead")
        response = campaign.response_ids
        self.assertEqual(response.kind, "reply")
        self.assertEqual(response.partner_id, partner)
        self.assertIn("Send me the catalogue", response.body)

    def test_bounce_and_click(self):
        campaign, email, _sent = self._send_campaign()
        bounced, clicker = self.partners[:2]
        bounce_trace = self._trace_of(email, bounced).mailing_trace_ids
        with self.mock_datetime_and_now(REPLY_TIME):
            # as the host's bounce handling marks the mailing trace
            self.env["mailing.trace"].set_bounced(
                domain=[("id", "=", bounce_trace.id)], bounce_message="550 No such mailbox"
            )
            click_trace = self._trace_of(email, clicker).mailing_trace_ids
            link = self.env["link.tracker"].search(
                [("mass_mailing_id", "=", email.mailing_id.id), ("url", "like", "offer")]
            )
            Click = self.env["link.tracker.click"].sudo()
            for _index in range(3):
                Click.add_click(link.code, ip="100.10.10.10", mailing_trace_id=click_trace.id)
        responses = campaign.response_ids
        self.assertEqual(sorted(responses.mapped("kind")), ["bounce", "click"])
        bounce = responses.filtered(lambda r: r.kind == "bounce")
        self.assertEqual(bounce.partner_id, bounced)
        self.assertIn("550 No such mailbox", bounce.body)
        click = responses.filtered(lambda r: r.kind == "click")
        self.assertEqual(click.partner_id, clicker)
        self.assertEqual(click.date, REPLY_TIME)
        self.assertEqual(campaign.with_user(self.ma_user).response_count, 2)

    def test_events_of_many_traces_in_bounded_queries(self):
        campaign, email, _sent = self._send_campaign()
        mailing_traces = email.trace_ids.mailing_trace_ids
        self.env.invalidate_all()
        with self.assertQueryCount(18):
            self.env["mailing.trace"].set_clicked(domain=[("id", "in", mailing_traces.ids)])
        self.assertEqual(len(campaign.response_ids), 5)
        more = self._create_partners(20, prefix="ma_more")
        campaign_2, email_2, _sent = self._send_campaign(
            domain=repr([("id", "in", (self.partners | more).ids)])
        )
        mailing_traces = email_2.trace_ids.mailing_trace_ids
        self.assertEqual(len(mailing_traces), 25)
        self.env.invalidate_all()
        with self.assertQueryCount(18):
            self.env["mailing.trace"].set_clicked(domain=[("id", "in", mailing_traces.ids)])
        self.assertEqual(len(campaign_2.response_ids), 25)

    def test_create_lead_and_schedule_activity(self):
        salesman = new_test_user(
            self.env,
            "ma_response_salesman",
            groups="marketing_automation_ext.marketing_automation_ext_group_user,"
            "sales_team.group_sale_salesman,base.group_partner_manager",
        )
        campaign, email, sent = self._send_campaign()
        partner = self.partners[0]
        self._reply(partner, sent, "Please send a quote for 20 units.", "<reply-5@client.example>")
        response = campaign.response_ids.with_user(salesman)
        action = response.action_create_lead()
        lead = self.env["crm.lead"].browse(action["res_id"])
        self.assertEqual(lead.partner_id, partner)
        self.assertEqual(lead.email_from, partner.email)
        self.assertIn("Please send a quote for 20 units.", lead.description)
        self.assertEqual(lead.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(lead.source_id, email.mailing_id.source_id)
        self.assertEqual(lead.medium_id, email.mailing_id.medium_id)
        self.assertEqual(response.lead_id, lead)
        # a second click opens the same lead
        self.assertEqual(response.action_create_lead()["res_id"], lead.id)
        # the activity goes on the lead once there is one, else on the contact
        action = response.action_schedule_activity()
        self.assertEqual(action["res_model"], "mail.activity.schedule")
        call = self.env.ref("mail.mail_activity_data_call")
        scheduler = (
            self.env["mail.activity.schedule"]
            .with_user(salesman)
            .with_context(**action["context"])
            .create({"activity_type_id": call.id})
        )
        scheduler.action_schedule_activities()
        self.assertEqual(lead.activity_ids.activity_type_id, call)
        self.assertIn("Follow up", lead.activity_ids.summary)
        response.sudo().lead_id = False
        action = response.action_schedule_activity()
        self.assertEqual(action["context"]["active_model"], "res.partner")
        self.assertEqual(action["context"]["active_ids"], partner.ids)

    def test_test_participants_stay_out_of_the_figures(self):
        campaign, email, _sent = self._send_campaign()
        tester, real = self.partners[:2]
        self._trace_of(email, tester).participant_id.is_test = True
        traces = (self._trace_of(email, tester) | self._trace_of(email, real)).mailing_trace_ids
        self.env["mailing.trace"].set_clicked(domain=[("id", "in", traces.ids)])
        self.assertEqual(len(campaign.response_ids), 2)
        self.assertEqual(campaign.response_ids.filtered("is_test").partner_id, tester)
        self.assertEqual(campaign.with_user(self.ma_user).response_count, 1)
        self.assertEqual(tester.with_user(self.ma_user).marketing_response_count, 0)
        self.assertEqual(real.with_user(self.ma_user).marketing_response_count, 1)
        participant = self._trace_of(email, tester).participant_id.with_user(self.ma_user)
        self.assertEqual(participant.response_count, 1, "a test participant sees its own")
