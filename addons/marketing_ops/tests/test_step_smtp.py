import socket
from email import message_from_bytes, policy
from unittest.mock import patch

from aiosmtpd.controller import Controller

from .common import MarketingOpsCase


class _Inbox:
    """aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted"


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestEmailingSmtpRoundTrip(MarketingOpsCase):
    def test_emailing_step_reaches_a_real_smtp_server(self):
        inbox = _Inbox()
        port = _free_port()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        self.addCleanup(controller.stop)
        server = self.env["ir.mail_server"].create(
            {
                "name": "Local SMTP",
                "smtp_host": "127.0.0.1",
                "smtp_port": port,
                "smtp_encryption": "none",
            }
        )
        template = self.env["mail.template"].create(
            {
                "name": "Round trip",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "Invitation for {{ object.name }}",
                "email_from": "marketing@example.com",
                "body_html": "<p>Dear <t t-out='object.name'/>, see you at <t t-out='step.name'/>.</p>",
                "mail_server_id": server.id,
            }
        )
        partners = self.Partner.create(
            [{"name": f"Guest {i}", "email": f"guest{i}@example.com"} for i in range(3)]
        )
        step = self.create_step(
            self.create_operation("Open house"),
            "the open house",
            step_type_id=self.type_emailing.id,
            mail_template_id=template.id,
        )
        step._add_targets(partners)
        step.with_user(self.user).action_launch()
        mails = self.env["mail.mail"].sudo().search([("marketing_step_id", "=", step.id)])
        self.assertEqual(len(mails), 3)
        # the host stops real SMTP connections in tests (``current_test``): this one connects
        with patch("odoo.modules.module.current_test", None):
            self.env["mail.mail"].process_email_queue(mails.ids)
        self.assertEqual(set(mails.mapped("state")), {"sent"})
        received = {tuple(rcpt): message for rcpt, message in inbox.messages}
        self.assertEqual(len(received), 3)
        for partner in partners:
            message = received[(partner.email,)]
            self.assertIn(partner.email, message["To"])
            self.assertEqual(message["Subject"], f"Invitation for {partner.name}")
            html = message.get_body(("html",)).get_content()
            self.assertIn(f"Dear {partner.name}, see you at the open house.", html)
