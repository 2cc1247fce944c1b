from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.mail.models.fetchmail import FetchmailServer as HostFetchmailServer

from .common import NOW
from .test_campaign_responses import ResponseCase, reply_email

FETCH_CRON = "marketing_automation_ext.ir_cron_marketing_automation_campaign_fetch_responses"
# minutes after the send: 5, then intervals of 10, 20, 40 ... minutes, the last check one week
# after the send
PLAN = [5, 15, 35, 75, 155, 315, 635, 1275, 2555, 5115, 7 * 24 * 60]


class FakeImap:
    """An IMAP mailbox of ``count`` unread messages (the same raw message each time)."""

    def __init__(self, count, raw=b"Subject: x\r\n\r\nx"):
        self.numbers = [str(n).encode() for n in range(1, count + 1)]
        self.raw = raw
        self.fetched = []

    def select(self):
        return "OK", [b""]

    def search(self, charset, *criteria):
        return "OK", [b" ".join(self.numbers)]

    def fetch(self, num, parts):
        self.fetched.append(num)
        return "OK", [(b"", self.raw)]

    def store(self, *args):
        return "OK", []

    def close(self):
        pass

    def logout(self):
        pass


class FakePop:
    """A POP mailbox of ``count`` messages; read messages are deleted."""

    def __init__(self, count):
        self.left = count
        self.read = 0

    def stat(self):
        return self.left, self.left * 10

    def list(self):
        return b"+OK", [], 0

    def retr(self, num):
        self.read += 1
        return b"+OK", [b"Subject: x", b"", b"x"], 10

    def dele(self, num):
        self.left -= 1

    def quit(self):
        pass


@tagged("post_install", "-at_install")
class TestResponsePolling(ResponseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        server_values = {"state": "done", "server": "mail.test.example.com", "user": "replies"}
        cls.imap = cls.env["fetchmail.server"].create(
            {"name": "Replies IMAP", "server_type": "imap", **server_values}
        )
        cls.pop = cls.env["fetchmail.server"].create(
            {"name": "Replies POP", "server_type": "pop", **server_values}
        )
        cls.cron = cls.env.ref(FETCH_CRON)

    def _mock_fetch(self):
        return patch.object(
            type(self.env["fetchmail.server"]), "fetch_mail", autospec=True, return_value=True
        )

    def _run_cron_at(self, when):
        with self.mock_datetime_and_now(when), self._mock_fetch() as fetch:
            self.cron.method_direct_trigger()
        return fetch

    def _triggers_at(self, when):
        return self.env["ir.cron.trigger"].search(
            [("cron_id", "=", self.cron.id), ("call_at", "=", when)]
        )

    def test_fetch_plan_after_a_send(self):
        campaign, _email, _sent = self._send_campaign(fetchmail_server_ids=[(6, 0, self.imap.ids)])
        self.assertEqual(campaign.response_last_send, NOW)
        for index, minutes in enumerate(PLAN):
            planned = NOW + timedelta(minutes=minutes)
            self.assertEqual(campaign.response_fetch_next, planned, f"check {index + 1}")
            self.assertTrue(self._triggers_at(planned), "the cron wakes up at the planned check")
            # nothing happens before the planned time
            fetch = self._run_cron_at(planned - timedelta(minutes=1))
            fetch.assert_not_called()
            fetch = self._run_cron_at(planned)
            self.assertEqual([call.args[0] for call in fetch.call_args_list], [self.imap])
            if index == 2:
                self.assertIn("the following one 80 minutes later", campaign.response_fetch_plan)
        self.assertFalse(campaign.response_fetch_next, "no check one week after the send")
        self.assertIn("No check planned", campaign.response_fetch_plan)
        self._run_cron_at(NOW + timedelta(days=10)).assert_not_called()

    def test_new_send_restarts_the_plan(self):
        campaign, email, _sent = self._send_campaign(fetchmail_server_ids=[(6, 0, self.imap.ids)])
        with self.mock_datetime_and_now(NOW):
            second = self._create_activity(
                campaign, "Reminder", parent=email, interval_number=1, interval_type="hours"
            )
        for minutes in (5, 15, 35):
            self._run_cron_at(NOW + timedelta(minutes=minutes))
        self.assertEqual(campaign.response_fetch_next, NOW + timedelta(minutes=75))
        resend = NOW + timedelta(hours=1)
        with self.mock_datetime_and_now(resend), self.mock_mail_gateway():
            self._run_due()
        self.assertEqual(len(second.trace_ids.filtered(lambda t: t.state == "processed")), 5)
        self.assertEqual(campaign.response_last_send, resend)
        self.assertEqual(campaign.response_fetch_next, resend + timedelta(minutes=5))
        self._run_cron_at(resend + timedelta(minutes=5))
        self.assertEqual(campaign.response_fetch_next, resend + timedelta(minutes=15))

    def test_no_plan_without_servers_and_servers_named_after_a_send(self):
        campaign, _email, _sent = self._send_campaign()
        self.assertEqual(campaign.response_last_send, NOW)
        self.assertFalse(campaign.response_fetch_next)
        self.assertIn("No incoming mail server", campaign.response_fetch_plan)
        later = NOW + timedelta(hours=1)
        with self.mock_datetime_and_now(later):
            campaign.fetchmail_server_ids = self.pop
        self.assertEqual(campaign.response_fetch_next, later + timedelta(minutes=5))

    def test_shared_server_fetched_once_per_run(self):
        first, _email, _sent = self._send_campaign(fetchmail_server_ids=[(6, 0, self.imap.ids)])
        second, _email, _sent = self._send_campaign(
            fetchmail_server_ids=[(6, 0, (self.imap | self.pop).ids)]
        )
        fetch = self._run_cron_at(NOW + timedelta(minutes=5))
        self.assertEqual(
            sorted(call.args[0].id for call in fetch.call_args_list),
            sorted((self.imap | self.pop).ids),
        )
        self.assertEqual(first.response_fetch_next, NOW + timedelta(minutes=15))
        self.assertEqual(second.response_fetch_next, NOW + timedelta(minutes=15))

    def test_manual_update_fetches_at_most_100_per_server(self):
        campaign, _email, _sent = self._send_campaign(
            fetchmail_server_ids=[(6, 0, (self.imap | self.pop).ids)]
        )
        imap, pop = FakeImap(250), FakePop(250)

        def connect(server, allow_archived=False):
            return imap if server.server_type == "imap" else pop

        processed = []
        MailThread = type(self.env["mail.thread"])
        with (
            patch.object(HostFetchmailServer, "connect", autospec=True, side_effect=connect),
            patch.object(
                MailThread,
                "message_process",
                autospec=True,
                side_effect=lambda *args, **kwargs: processed.append(args) or False,
            ),
            patch.object(self.env.cr, "commit", lambda: None),
        ):
            action = campaign.with_user(self.ma_user).action_update_responses()
            self.assertEqual(len(imap.fetched), 100)
            self.assertEqual(pop.read, 100)
            self.assertEqual(len(processed), 200)
            self.assertIn("200 messages fetched", action["params"]["message"])
            # the next update takes the next 100 of each server
            campaign.with_user(self.ma_user).action_update_responses()
            self.assertEqual(len(imap.fetched), 200)
            self.assertEqual(pop.read, 200)

    def test_reply_fetched_from_the_campaign_server(self):
        campaign, _email, sent = self._send_campaign(fetchmail_server_ids=[(6, 0, self.imap.ids)])
        partner = self.partners[0]
        raw = reply_email(
            partner.email_formatted,
            sent[partner.email_normalized],
            "<reply-imap@client.example>",
            "Fetched from the mailbox",
        )
        imap = FakeImap(1, raw)
        with (
            patch.object(HostFetchmailServer, "connect", autospec=True, return_value=imap),
            patch.object(self.env.cr, "commit", lambda: None),
            self.mock_datetime_and_now(NOW + timedelta(minutes=5)),
            self.mock_mail_gateway(),
        ):
            self.cron.method_direct_trigger()
        response = campaign.response_ids
        self.assertEqual(response.kind, "reply")
        self.assertEqual(response.partner_id, partner)
        self.assertIn("Fetched from the mailbox", response.body)
        self.assertEqual(campaign.with_user(self.ma_user).response_count, 1)
        self.assertEqual(campaign.response_last_fetch, NOW + timedelta(minutes=5))
