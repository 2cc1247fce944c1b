import base64
import email
import email.policy
import socket
import threading
from collections import Counter
from contextlib import nullcontext
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from types import SimpleNamespace
from unittest.mock import patch

from aiosmtpd.controller import Controller

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.base.models import ir_mail_server

from .common import MarketingAutomationCommon
from .test_campaign_pace import PaceReplayMixin, paris


class _Inbox:
    """An SMTP server's handler keeping every message it receives."""

    def __init__(self):
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content, policy=email.policy.SMTP)
        with self._lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestUseCaseListEmailingAtOfficePace(PaceReplayMixin, MarketingAutomationCommon):
    """Use case 5: a mass emailing to a list built from opportunities and companies (duplicates
    by email merged), 500 contacts, sent 50 emails every 10 minutes inside office hours
    (9:00-17:00, Monday to Friday), delivered by the host's mail queue to a real SMTP server
    on 127.0.0.1; replies to the received messages come back through the mail gateway and
    count once per contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Europe/Paris"
        # the marketer builds the list from the opportunities she may read
        cls.marketer = new_test_user(
            cls.env,
            "uc5_marketer",
            groups="marketing_automation_ext.marketing_automation_ext_group_user,"
            "sales_team.group_sale_salesman_all_leads,base.group_partner_manager",
            email="uc5.marketer@test.example.com",
        )

    def setUp(self):
        super().setUp()
        self.inbox = _Inbox()
        port = _free_port()
        controller = Controller(self.inbox, hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        # the campaign's mails leave by this server only; mails queued before (the demo data's
        # notifications) are not the campaign's and stay out of its inbox
        self.env["mail.mail"].sudo().search([("state", "=", "outgoing")]).state = "cancel"
        self.env["ir.mail_server"].sudo().search([]).active = False
        self.env["ir.mail_server"].sudo().create(
            {
                "name": "Local SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_encryption": "none",
            }
        )

    def _mail_gateway(self):
        # the cron only queues: nothing to intercept, the mail queue delivers for real
        return nullcontext()

    def _deliver(self, _moment, _mails):
        """The host's mail queue cron, with real SMTP: Odoo's test mode skips the SMTP
        connection and the send in ir.mail_server only, so only that module's view of it is
        lifted."""
        with patch.object(
            ir_mail_server, "modules", SimpleNamespace(module=SimpleNamespace(current_test=None))
        ):
            self.env["mail.mail"].sudo().process_email_queue()

    def _build_list(self):
        """A marketing list filled from 300 companies and 250 opportunities, 50 of which
        carry the email of a company: 500 contacts, one per address."""
        self.env["res.partner"].create(
            [
                {
                    "name": f"UC5 Company {n}",
                    "is_company": True,
                    "email": f"info{n}@uc5.example.com",
                }
                for n in range(300)
            ]
        )
        self.env["crm.lead"].create(
            [
                {
                    "name": f"UC5 Opportunity {n}",
                    "type": "opportunity",
                    "contact_name": f"Buyer {n}",
                    "email_from": f"info{n}@uc5.example.com"
                    if n < 50
                    else f"buyer{n}@uc5.example.com",
                }
                for n in range(250)
            ]
        )
        source_model = self.env["ir.model"]._get_id
        mailing_list = (
            self.env["mailing.list"]
            .with_user(self.marketer)
            .create(
                {
                    "name": "UC5 customers and prospects",
                    "marketing_source_ids": [
                        Command.create(
                            {
                                "model_id": source_model("crm.lead"),
                                "domain": repr(
                                    [("type", "=", "opportunity"), ("name", "=like", "UC5 %")]
                                ),
                            }
                        ),
                        Command.create(
                            {
                                "model_id": source_model("res.partner"),
                                "partner_kind": "company",
                                "domain": repr([("name", "=like", "UC5 Company %")]),
                            }
                        ),
                    ],
                }
            )
        )
        mailing_list.action_refresh_marketing_sources()
        return mailing_list

    def _reply(self, recipient, message):
        """A reply of ``recipient`` to ``message`` as a mail client writes it."""
        reply = EmailMessage()
        reply["From"] = recipient
        reply["To"] = message["Reply-To"] or message["From"]
        reply["Subject"] = f"Re: {message['Subject']}"
        reply["Message-Id"] = make_msgid(domain="uc5.example.com")
        reply["In-Reply-To"] = message["Message-Id"]
        reply["References"] = message["Message-Id"]
        reply.set_content("Yes, please call me.")
        return reply.as_string()

    def test_list_emailing_at_office_pace_with_replies(self):
        mailing_list = self._build_list()
        self.assertEqual(len(mailing_list.contact_ids), 500, "duplicates by email merged")
        campaign = self._create_campaign(
            mailing_list.contact_ids,
            name="UC5 Spring offer",
            domain=repr([("list_ids", "in", mailing_list.ids)]),
            send_batch_size=50,
            send_batch_interval=10,
            send_window_enabled=True,
            send_window_start=9.0,
            send_window_end=17.0,
        )
        activity = self._create_activity(campaign, "Spring offer")
        # replies come back into the contact's thread, where the gateway records them
        activity.mailing_id.reply_to_mode = "update"
        monday = paris(2026, 3, 2, 7, 45)
        with self.mock_datetime_and_now(monday):
            self._start(campaign)
        self.assertEqual(len(campaign.participant_ids), 500)
        batches = self._replay(monday, paris(2026, 3, 2, 18, 0), campaign, after_run=self._deliver)
        opening = paris(2026, 3, 2, 9, 0)
        self.assertEqual(batches, {opening + timedelta(minutes=10 * n): 50 for n in range(10)})
        # delivered by SMTP, each contact once
        received = Counter(rcpt for rcpts, _message in self.inbox.messages for rcpt in rcpts)
        self.assertEqual(set(received.values()), {1})
        self.assertEqual(set(received), set(mailing_list.contact_ids.mapped("email_normalized")))
        self.assertFalse(self._queued_mails(campaign), "sent mails leave the queue")
        mailing_traces = activity.trace_ids.mailing_trace_ids
        self.assertEqual(len(mailing_traces), 500)
        self.assertEqual(set(mailing_traces.mapped("trace_status")), {"sent"})
        self.assertEqual(set(activity.trace_ids.mapped("state")), {"processed"})

        # 40 contacts reply, 10 of them twice: each counts once for its contact
        repliers = self.inbox.messages[:40]
        with self.mock_datetime_and_now(paris(2026, 3, 2, 14, 0)):
            for rcpts, message in repliers + repliers[:10]:
                self.env["mail.thread"].message_process(False, self._reply(rcpts[0], message))
        replied = activity.trace_ids.filtered("reply_datetime")
        self.assertEqual(len(replied), 40)
        self.assertEqual(
            set(replied.participant_id.mapped("res_id")),
            set(
                self.env["mailing.contact"]
                .search([("email_normalized", "in", [r[0][0] for r in repliers])])
                .ids
            ),
        )
        campaign.invalidate_recordset(["replied_count"])
        self.assertEqual(campaign.replied_count, 40)
        participants = campaign.participant_ids.with_user(self.ma_user)
        self.assertEqual(campaign.with_user(self.ma_user).response_count, 40)
        self.assertEqual(Counter(participants.mapped("response_count")), Counter({0: 460, 1: 40}))

        # responses given by phone, imported from a file, add to the counts: 10 of the
        # repliers and 10 other contacts
        contacts = self.env["mailing.contact"].browse(participants.mapped("res_id"))
        email_of = {contact.id: contact.email_normalized for contact in contacts}
        repliers_first = sorted(email_of[p.res_id] for p in replied.participant_id)[:10]
        others = sorted(
            email_of[p.res_id] for p in campaign.participant_ids - replied.participant_id
        )[:10]
        lines = ["Email,Date,Text"] + [
            f"{address},2026-03-03 10:00,Called back: interested"
            for address in repliers_first + others
        ]
        wizard = (
            self.env["marketing.automation.response.import"]
            .with_user(self.marketer)
            .create(
                {
                    "campaign_id": campaign.id,
                    "file": base64.b64encode("\n".join(lines).encode()),
                    "file_name": "phone_responses.csv",
                }
            )
        )
        wizard.action_import()
        self.assertEqual(wizard.add_count, 20)
        self.env.invalidate_all()
        self.assertEqual(campaign.with_user(self.ma_user).response_count, 60)
        self.assertEqual(
            Counter(participants.mapped("response_count")), Counter({0: 450, 1: 40, 2: 10})
        )
