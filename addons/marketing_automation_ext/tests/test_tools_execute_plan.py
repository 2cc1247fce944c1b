"""The plan of the execute cron computed on its own, without a database."""

from datetime import datetime, timedelta

from odoo.tests.common import BaseCase

from ..tools.execute_plan import ExecutePlan
from ..tools.send_pace import SendPace

NOW = datetime(2025, 1, 15, 10)


class TestToolsExecutePlan(BaseCase):
    def test_nothing_scheduled(self):
        plan = ExecutePlan.build(NOW, [(1, 10, False, None, SendPace(0, 0, None))])
        self.assertFalse(plan.claimable)
        self.assertIsNone(plan.next_date)
        self.assertIsNone(plan.first_date)

    def test_unpaced_due_and_later(self):
        unpaced = SendPace(0, 0, None)
        later = NOW + timedelta(hours=2)
        plan = ExecutePlan.build(
            NOW,
            [
                (1, 10, True, NOW - timedelta(minutes=5), unpaced),
                (2, 10, False, later, unpaced),
            ],
        )
        self.assertTrue(plan.claimable)
        self.assertTrue(plan.general_claimable)
        self.assertEqual(plan.held_activity_ids, [])
        self.assertEqual(plan.open_campaigns, {})
        self.assertEqual(plan.first_date, NOW - timedelta(minutes=5))
        self.assertEqual(plan.next_date, later)

    def test_paced_campaign_allowed_now(self):
        pace = SendPace(50, 10, NOW - timedelta(minutes=30))
        plan = ExecutePlan.build(
            NOW,
            [
                (1, 10, True, NOW - timedelta(hours=1), pace),
                (2, 10, True, None, pace),
                (3, 10, False, NOW + timedelta(days=1), pace),
            ],
        )
        # sending activities are held from the general claim, claimed per campaign
        self.assertEqual(plan.held_activity_ids, [1, 2])
        self.assertEqual(plan.open_campaigns, {10: (50, [1])})
        self.assertTrue(plan.claimable)
        self.assertFalse(plan.general_claimable)
        # a paced trace past due counts from now, when its batch is allowed
        self.assertEqual(plan.first_date, NOW)
        self.assertEqual(plan.next_date, NOW + timedelta(days=1))

    def test_paced_campaign_waits_for_its_interval(self):
        pace = SendPace(50, 10, NOW - timedelta(minutes=4))
        plan = ExecutePlan.build(NOW, [(1, 10, True, NOW - timedelta(hours=1), pace)])
        self.assertFalse(plan.claimable)
        self.assertEqual(plan.open_campaigns, {})
        self.assertEqual(plan.next_date, NOW + timedelta(minutes=6))
        self.assertEqual(plan.first_date, NOW + timedelta(minutes=6))

    def test_paced_campaign_without_weekday_never_sends(self):
        pace = SendPace(50, 0, None, window=(9.0, 17.0), weekdays=())
        plan = ExecutePlan.build(NOW, [(1, 10, True, NOW, pace)])
        self.assertEqual(plan.held_activity_ids, [1])
        self.assertFalse(plan.claimable)
        self.assertIsNone(plan.next_date)
