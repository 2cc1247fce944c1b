from datetime import datetime

from odoo.tests import tagged

from .common import MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestUseCaseMeetingProposalEveryFirstOfOctober(MarketingAutomationCommon):
    """Use case 2: every year on 1 October at 9:00 (Paris), the contacts in Purchasing (their job
    position says so) receive a meeting proposal. A contact who left Purchasing in September
    leaves the campaign and receives nothing; a contact who joins after this year's date waits
    for next year's; on 1 October next year it happens again."""

    def test_meeting_proposal_on_the_first_of_october(self):
        self.env.company.partner_id.tz = "Europe/Paris"
        campaign = self.env["marketing.automation.campaign"].create(
            {
                "name": "Meeting proposal to buyers",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": repr(
                    [("function", "ilike", "purchas"), ("email", "like", "@buyers.example.com")]
                ),
                "enrol_by_filter": True,
                "enrol_on_change": True,
            }
        )
        proposal = self._create_activity(
            campaign,
            "Meeting proposal",
            schedule_mode="yearly",
            # 1 October at 9:00 in Paris (summer time: UTC+2)
            schedule_date=datetime(2026, 10, 1, 7, 0),
        )
        self.assertEqual(proposal.schedule_summary, "Every year on 1 October at 09:00")
        Partner = self.env["res.partner"].with_user(self.ma_user)
        Trace = self.env["marketing.automation.trace"]
        with self.mock_datetime_and_now(datetime(2026, 3, 2, 9, 0)):
            buyer, head, leaving = Partner.create(
                [
                    {"name": "Buyer", "function": "Purchasing", "email": "b@buyers.example.com"},
                    {
                        "name": "Head",
                        "function": "Head of Purchasing",
                        "email": "h@buyers.example.com",
                    },
                    {"name": "Leaving", "function": "Purchasing", "email": "l@buyers.example.com"},
                ]
            )
            Partner.create({"name": "Seller", "function": "Sales", "email": "s@buyers.example.com"})
            campaign.action_start()
            campaign._enrol_participants()
        self.assertEqual(len(campaign.participant_ids), 3)
        first = {datetime(2026, 10, 1, 7, 0)}
        self.assertEqual(set(proposal.trace_ids.mapped("schedule_date")), first)

        with self.mock_datetime_and_now(datetime(2026, 9, 15, 10, 0)):
            leaving.function = "Sales"
        left = campaign.participant_ids.filtered(lambda p: p.res_id == leaving.id)
        self.assertEqual(left.state, "removed")
        self.assertTrue(left.removal_reason)

        with self.mock_datetime_and_now(datetime(2026, 10, 1, 6, 59)), self.mock_mail_gateway():
            Trace._cron_execute()
        self.assertFalse(self._queued_mails(campaign), "not before 9:00 in Paris")
        with self.mock_datetime_and_now(datetime(2026, 10, 1, 7, 0)), self.mock_mail_gateway():
            Trace._cron_execute()
        self.assertEqual(
            sorted(self._queued_mails(campaign).mapped("email_to")),
            ["b@buyers.example.com", "h@buyers.example.com"],
        )
        self.assertEqual(self._trace_of(proposal, leaving).state, "canceled")
        for partner in (buyer, head):
            self.assertEqual(
                self._trace_of(proposal, partner).filtered(lambda t: t.occurrence == 1).state,
                "processed",
            )

        with self.mock_datetime_and_now(datetime(2026, 10, 15, 11, 0)):
            late = Partner.create(
                {"name": "Late", "function": "Purchasing", "email": "late@buyers.example.com"}
            )
        # after this year's date: the first proposal waits for next year's
        self.assertEqual(self._trace_of(proposal, late).schedule_date, datetime(2027, 10, 1, 7, 0))
        next_year = proposal.trace_ids.filtered(lambda t: t.state == "scheduled")
        self.assertEqual(set(next_year.mapped("schedule_date")), {datetime(2027, 10, 1, 7, 0)})
        self.assertEqual(
            sorted(next_year.mapped("occurrence")), [1, 2, 2], "each year is a run of its own"
        )
        self.assertEqual(self._queued_mails(campaign).mapped("state"), ["outgoing"] * 2)
        self._queued_mails(campaign).unlink()

        with self.mock_datetime_and_now(datetime(2027, 9, 30, 12, 0)), self.mock_mail_gateway():
            Trace._cron_execute()
        self.assertFalse(self._queued_mails(campaign))
        with self.mock_datetime_and_now(datetime(2027, 10, 1, 7, 0)), self.mock_mail_gateway():
            Trace._cron_execute()
        self.assertEqual(
            sorted(self._queued_mails(campaign).mapped("email_to")),
            ["b@buyers.example.com", "h@buyers.example.com", "late@buyers.example.com"],
        )
        self.assertEqual(
            len(proposal.trace_ids.filtered(lambda t: t.state == "processed")),
            5,
            "two proposals in 2026, three in 2027",
        )
