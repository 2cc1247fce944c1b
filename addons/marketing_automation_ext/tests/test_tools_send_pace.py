"""The sending pace computed on its own, without a database."""

from datetime import date, datetime

import pytz

from odoo.tests.common import BaseCase

from ..tools.send_pace import PACE_FIELDS, WEEKDAY_FIELDS, SendPace, _local_to_utc

PARIS = pytz.timezone("Europe/Paris")


def values(**changes):
    """The pace values of a campaign without pace of its own, with ``changes``."""
    result = dict.fromkeys(PACE_FIELDS, False)
    result.update(send_batch_size=0, send_batch_interval=0, send_last_batch_date=None)
    result.update(changes)
    return result


class TestToolsSendPace(BaseCase):
    def test_local_to_utc(self):
        # winter: Paris is UTC+1, summer UTC+2; 24.0 is the next midnight
        self.assertEqual(_local_to_utc(date(2025, 1, 15), 9.0, PARIS), datetime(2025, 1, 15, 8))
        self.assertEqual(_local_to_utc(date(2025, 7, 15), 9.5, PARIS), datetime(2025, 7, 15, 7, 30))
        self.assertEqual(_local_to_utc(date(2025, 1, 15), 24.0, PARIS), datetime(2025, 1, 15, 23))
        # 02:30 does not exist on the spring-forward night: read as 03:30 summer time
        self.assertEqual(_local_to_utc(date(2025, 3, 30), 2.5, PARIS), datetime(2025, 3, 30, 1, 30))

    def test_unpaced(self):
        pace = SendPace(0, 0, None)
        self.assertFalse(pace.is_paced)
        moment = datetime(2025, 1, 15, 3)
        self.assertEqual(pace.next_allowed(moment), moment)

    def test_interval_since_last_batch(self):
        pace = SendPace(50, 10, datetime(2025, 1, 15, 10, 0))
        self.assertTrue(pace.is_paced)
        self.assertEqual(
            pace.next_allowed(datetime(2025, 1, 15, 10, 4)), datetime(2025, 1, 15, 10, 10)
        )
        self.assertEqual(pace.next_allowed(datetime(2025, 1, 15, 11)), datetime(2025, 1, 15, 11))

    def test_office_window(self):
        # 9:00-17:00 Paris, Monday to Friday; 15 January 2025 is a Wednesday
        pace = SendPace(50, 10, None, window=(9.0, 17.0), weekdays=range(5), tz=PARIS)
        inside = datetime(2025, 1, 15, 10)
        self.assertEqual(pace.window_next(inside), inside)
        # before the opening: at the opening (8:00 UTC in winter)
        self.assertEqual(pace.window_next(datetime(2025, 1, 15, 5)), datetime(2025, 1, 15, 8))
        # after the closing on Friday: Monday's opening
        self.assertEqual(pace.window_next(datetime(2025, 1, 17, 16, 30)), datetime(2025, 1, 20, 8))
        # the interval pushes into the closing: the next opening
        late = SendPace(
            50, 10, datetime(2025, 1, 15, 15, 55), window=(9.0, 17.0), weekdays=range(5), tz=PARIS
        )
        self.assertEqual(late.next_allowed(datetime(2025, 1, 15, 15, 56)), datetime(2025, 1, 16, 8))

    def test_window_over_midnight(self):
        # 22:00 to 02:00 UTC, only the window opening on Saturdays
        pace = SendPace(0, 0, None, window=(22.0, 2.0), weekdays=[5])
        self.assertEqual(pace.window_next(datetime(2025, 1, 18, 12)), datetime(2025, 1, 18, 22))
        # Sunday 01:00 still belongs to Saturday's window
        self.assertEqual(pace.window_next(datetime(2025, 1, 19, 1)), datetime(2025, 1, 19, 1))
        self.assertEqual(pace.window_next(datetime(2025, 1, 19, 3)), datetime(2025, 1, 25, 22))

    def test_no_weekday(self):
        pace = SendPace(0, 0, None, window=(9.0, 17.0), weekdays=())
        self.assertIsNone(pace.window_next(datetime(2025, 1, 15, 10)))

    def test_from_values(self):
        last = datetime(2025, 1, 15, 10)
        pace = SendPace.from_values(
            values(
                send_window_enabled=True,
                send_window_start=9.0,
                send_window_end=17.0,
                send_monday=True,
                send_friday=True,
                send_last_batch_date=last,
            ),
            [False, "Not/AZone", "Europe/Paris", "UTC"],
            default_size=50,
            default_interval=10,
        )
        # the zeros of the campaign stand for the global settings
        self.assertEqual(pace.batch_size, 50)
        self.assertEqual(pace.interval.total_seconds(), 600)
        self.assertEqual(pace.last_batch, last)
        self.assertEqual(pace.window, (9.0, 17.0))
        self.assertEqual(pace.weekdays, {0, 4})
        self.assertEqual(pace.tz.zone, "Europe/Paris")
        self.assertEqual(len(WEEKDAY_FIELDS), 7)

    def test_from_values_own_pace_and_unknown_zone(self):
        pace = SendPace.from_values(
            values(send_batch_size=5, send_batch_interval=3), ["Not/AZone"], 50, 10
        )
        self.assertEqual(pace.batch_size, 5)
        self.assertEqual(pace.interval.total_seconds(), 180)
        self.assertIsNone(pace.window)
        self.assertIs(pace.tz, pytz.utc)
