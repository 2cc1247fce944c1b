"""The triggers and delays of activities, on their own."""

from datetime import datetime

from odoo.tests.common import BaseCase

from ..tools.triggers import (
    EVENT_FIELDS,
    EVENT_TRIGGERS,
    INTERVAL_UNITS,
    NOT_TRIGGER_FIELDS,
    OPPOSITE_TRIGGERS,
    PG_INTERVAL_UNITS,
    TRIGGERS,
    interval_delta,
)


class TestToolsTriggers(BaseCase):
    def test_interval_delta(self):
        start = datetime(2025, 1, 31, 12)
        self.assertEqual(start + interval_delta(90, "minutes"), datetime(2025, 1, 31, 13, 30))
        self.assertEqual(start + interval_delta(2, "weeks"), datetime(2025, 2, 14, 12))
        # a month later than 31 January is the end of February
        self.assertEqual(start + interval_delta(1, "months"), datetime(2025, 2, 28, 12))
        self.assertEqual(start + interval_delta(False, "days"), start)

    def test_triggers_consistent(self):
        keys = {key for key, _label in TRIGGERS}
        self.assertEqual(set(EVENT_FIELDS), EVENT_TRIGGERS)
        self.assertLessEqual(EVENT_TRIGGERS | set(NOT_TRIGGER_FIELDS), keys)
        for event, opposites in OPPOSITE_TRIGGERS.items():
            self.assertIn(event, EVENT_TRIGGERS)
            self.assertLessEqual(set(opposites), set(NOT_TRIGGER_FIELDS))
        # a "not" trigger waits on the field its event fills
        self.assertEqual(NOT_TRIGGER_FIELDS["mail_not_open"], EVENT_FIELDS["mail_open"])
        self.assertEqual(NOT_TRIGGER_FIELDS["sms_not_click"], EVENT_FIELDS["sms_click"])
        self.assertEqual(set(PG_INTERVAL_UNITS), {unit for unit, _label in INTERVAL_UNITS})
