"""The sending pace of a campaign, computed without the ORM.

The execute cron reads the pace of every running campaign in one query and evaluates it here:
the earliest moment a campaign may send its next batch of emails and SMS, given the minutes
between its batches and its sending window (weekdays and hours in its time zone).
"""

from datetime import datetime, time, timedelta

import pytz

# the activities whose traces the sending pace holds
SENDING_ACTIVITY_TYPES = ("email", "sms")
WEEKDAY_FIELDS = (
    "send_monday",
    "send_tuesday",
    "send_wednesday",
    "send_thursday",
    "send_friday",
    "send_saturday",
    "send_sunday",
)
# the fields whose change moves the next batch of a campaign
PACE_FIELDS = (
    "send_batch_size",
    "send_batch_interval",
    "send_window_enabled",
    "send_window_start",
    "send_window_end",
    *WEEKDAY_FIELDS,
)


def _local_to_utc(day, hours, tz):
    """The naive UTC moment of ``hours`` (float, 24.0 = the next midnight) on the local
    ``day`` of ``tz``. A local time skipped by a daylight-saving change is read as if the
    clock had not moved yet (02:30 on a spring-forward night is 03:30 summer time)."""
    minutes = round(hours * 60)
    local = datetime.combine(day, time()) + timedelta(minutes=minutes)
    aware = tz.normalize(tz.localize(local, is_dst=False))
    return aware.astimezone(pytz.utc).replace(tzinfo=None)


class SendPace:
    """The effective pace of one campaign: the campaign's values, else the global settings.
    Pure computation, so that the scheduler evaluates it on rows it read in one query."""

    __slots__ = ("batch_size", "interval", "last_batch", "tz", "weekdays", "window")

    def __init__(self, batch_size, interval, last_batch, window=None, weekdays=(), tz=pytz.utc):
        self.batch_size = batch_size or 0
        self.interval = timedelta(minutes=interval or 0)
        self.last_batch = last_batch
        self.window = window  # (start hours, end hours) or None
        self.weekdays = frozenset(weekdays)
        self.tz = tz

    @classmethod
    def from_values(cls, values, tz_names, default_size=0, default_interval=0):
        """The pace of a campaign from its ``values`` (a dict of the ``PACE_FIELDS`` and
        ``send_last_batch_date``), the time zone names to try in order (UTC when none is
        known) and the global batch size and interval its zeros stand for."""
        tz = pytz.utc
        for name in tz_names:
            if name and name in pytz.all_timezones_set:
                tz = pytz.timezone(name)
                break
        window = None
        if values["send_window_enabled"]:
            window = (values["send_window_start"] or 0.0, values["send_window_end"] or 0.0)
        return cls(
            values["send_batch_size"] or default_size,
            values["send_batch_interval"] or default_interval,
            values["send_last_batch_date"],
            window=window,
            weekdays=[day for day, fname in enumerate(WEEKDAY_FIELDS) if values[fname]],
            tz=tz,
        )

    @property
    def is_paced(self):
        return bool(self.batch_size or self.interval or self.window)

    def window_next(self, moment):
        """The earliest moment from ``moment`` on (naive UTC) inside the sending window, or
        None when no weekday is allowed. A window ending at or before its start ends the
        next day (22:00 to 02:00); it belongs to the weekday it opens on."""
        if not self.window:
            return moment
        if not self.weekdays:
            return None
        start, end = self.window
        local_day = pytz.utc.localize(moment).astimezone(self.tz).date()
        for offset in range(-1, 9):
            day = local_day + timedelta(days=offset)
            if day.weekday() not in self.weekdays:
                continue
            closes = _local_to_utc(day + timedelta(days=1 if end <= start else 0), end, self.tz)
            if closes <= moment:
                continue
            return max(_local_to_utc(day, start, self.tz), moment)
        return None

    def next_allowed(self, moment):
        """The earliest moment from ``moment`` on when the campaign may send a batch: the
        interval elapsed since its last batch, inside its window."""
        if self.interval and self.last_batch:
            moment = max(moment, self.last_batch + self.interval)
        return self.window_next(moment)
