"""When an activity runs: a delay from the enrolment, the parent or a date of the record; a
calendar date, once or every year; its repetitions; and its timing in words."""

from datetime import datetime, time

import pytz
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date, format_datetime

RECURRENCE_UNITS = [("days", "Days"), ("weeks", "Weeks"), ("months", "Months")]
# a yearly activity looks this far ahead for its next date (29 February comes back in 8 years
# at most); a recurrence this many periods ahead for its first run after a participant arrives
MAX_YEARS_AHEAD = 8
MAX_PERIODS_AHEAD = 100000


class MarketingAutomationActivitySchedule(models.Model):
    """When an activity runs: a delay from the enrolment, the parent or a date of the record; a
    calendar date, once or every year; and its repetitions."""

    _inherit = "marketing.automation.activity"

    schedule_mode = fields.Selection(
        [("delay", "After a delay"), ("date", "On a date"), ("yearly", "Every year on a date")],
        string="Runs",
        default="delay",
        required=True,
    )
    anchor_field_id = fields.Many2one(
        "ir.model.fields",
        string="Delay counts from",
        ondelete="set null",
        domain="[('model', '=', model_name), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
        help="A date of the record the delay counts from (e.g. Created on). Empty: the "
        "participant's enrolment, or the parent activity for a follow-up. Records whose date "
        "is empty are rejected.",
    )
    schedule_date = fields.Datetime(
        string="Date",
        help="When the activity runs; every year on this day and month at this time for a "
        "yearly activity. Read in the time zone of the campaign's company.",
    )
    recurrence_interval = fields.Integer(
        string="Repeat every",
        default=0,
        help="0: the activity runs once. Otherwise it runs again after this many units.",
    )
    recurrence_unit = fields.Selection(
        RECURRENCE_UNITS, string="Repeat Unit", default="days", required=True
    )
    recurrence_count = fields.Integer(
        string="Number of runs",
        default=0,
        help="How many times the activity runs in all for a participant, the first run "
        "included; 0: without end.",
    )
    recurrence_since = fields.Selection(
        [("previous", "The previous run"), ("last_delivery", "The last delivered email")],
        string="Period counts from",
        default="previous",
        required=True,
        help="The last delivered email of the participant in this campaign: an email "
        "delivered by another activity pushes the next run back, a bounced or rejected one "
        "does not.",
    )
    schedule_summary = fields.Char(string="When", compute="_compute_schedule_summary")

    _sql_constraints = [
        (
            "recurrence_positive",
            "CHECK(recurrence_interval >= 0 AND recurrence_count >= 0)",
            "A repetition cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------ COMPUTES

    @api.depends(
        "schedule_mode",
        "anchor_field_id",
        "schedule_date",
        "interval_number",
        "interval_type",
        "trigger_type",
        "recurrence_interval",
        "recurrence_unit",
        "recurrence_count",
        "recurrence_since",
    )
    @api.depends_context("lang")
    def _compute_schedule_summary(self):
        for activity in self:
            activity.schedule_summary = activity._describe_schedule()

    def _describe_schedule(self):
        """When the activity runs, in words."""
        self.ensure_one()
        if self.schedule_mode == "yearly":
            when = self._describe_yearly()
        elif self.schedule_mode == "date":
            when = (
                _("On %(date)s", date=self._format_local(self.schedule_date))
                if self.schedule_date
                else _("On a date to choose")
            )
        else:
            when = self._describe_delay()
        repeat = self._describe_recurrence()
        return _("%(when)s, %(repeat)s", when=when, repeat=repeat) if repeat else when

    def _describe_delay(self):
        labels = dict(self._fields["interval_type"]._description_selection(self.env))
        if self.anchor_field_id:
            origin = _("the record's %(field)s", field=self._get_anchor_field().field_description)
        elif self.trigger_type == "begin":
            origin = _("enrolment")
        else:
            triggers = dict(self._fields["trigger_type"]._description_selection(self.env))
            origin = _("the trigger (%(trigger)s)", trigger=triggers[self.trigger_type])
        if not self.interval_number:
            return _("At %(origin)s", origin=origin)
        return _(
            "%(number)s %(unit)s after %(origin)s",
            number=self.interval_number,
            unit=labels[self.interval_type].lower(),
            origin=origin,
        )

    def _describe_yearly(self):
        if not self.schedule_date:
            return _("Every year on a date to choose")
        local = self._to_local(self.schedule_date)
        day = format_date(self.env, local.date(), date_format="d MMMM")
        if local.time() == time.min:
            when = _("Every year on %(day)s", day=day)
        else:
            when = _("Every year on %(day)s at %(time)s", day=day, time=local.strftime("%H:%M"))
        if self.recurrence_count:
            return _("%(when)s, %(count)s times", when=when, count=self.recurrence_count)
        return when

    def _describe_recurrence(self):
        if self.schedule_mode == "yearly" or not self.recurrence_interval:
            return ""
        units = dict(self._fields["recurrence_unit"]._description_selection(self.env))
        every = _(
            "then every %(number)s %(unit)s",
            number=self.recurrence_interval,
            unit=units[self.recurrence_unit].lower(),
        )
        if self.recurrence_since == "last_delivery":
            every = _("%(every)s since the last delivered email", every=every)
        if self.recurrence_count:
            return _("%(every)s, %(count)s times in all", every=every, count=self.recurrence_count)
        return _("%(every)s, without end", every=every)

    # ------------------------------------------------------------------ CONSTRAINTS

    @api.constrains("schedule_mode", "schedule_date", "anchor_field_id", "recurrence_interval")
    def _check_schedule(self):
        for activity in self:
            if activity.schedule_mode in ("date", "yearly") and not activity.schedule_date:
                raise ValidationError(
                    _("Activity %(name)s runs on a date: choose the date.", name=activity.name)
                )
            anchor = activity._get_anchor_field()
            if anchor and (
                anchor.model != activity.campaign_id.model_name
                or anchor.ttype not in ("date", "datetime")
                or not anchor.store
            ):
                raise ValidationError(
                    _(
                        "The delay of activity %(name)s can only count from a stored date of "
                        "the campaign's records.",
                        name=activity.name,
                    )
                )
            if activity._repeats():
                ancestor = activity.parent_id
                while ancestor:
                    if ancestor._repeats():
                        raise ValidationError(
                            _(
                                "Activity %(name)s follows a repeating activity: each of its "
                                "runs already triggers it, it cannot repeat itself.",
                                name=activity.name,
                            )
                        )
                    ancestor = ancestor.parent_id

    # ------------------------------------------------------------------ ORM

    def write(self, vals):
        timing = {
            "schedule_mode",
            "schedule_date",
            "anchor_field_id",
            "recurrence_interval",
            "recurrence_unit",
        } & set(vals)
        res = super().write(vals)
        # a change of the delay has the waiting traces replanned by the activity's own write
        if timing and not {"interval_number", "interval_type"} & set(vals):
            self.env["marketing.automation.trace"]._reschedule(self)
        return res

    # ------------------------------------------------------------------ HELPERS

    def _get_anchor_field(self):
        """The date the delay counts from, read as superuser: its name, label, model and type
        only, of the one field the activity holds (the forms let its users pick among the
        dates of the campaign's records, see the rules on fields); whoever may read the
        activity may know when it runs."""
        return self.anchor_field_id.sudo()

    def _repeats(self):
        self.ensure_one()
        return self.schedule_mode == "yearly" or bool(self.recurrence_interval)

    def _is_plain_delay(self):
        """Due at the trigger date plus the delay, the same for every participant."""
        self.ensure_one()
        return self.schedule_mode == "delay" and not self.anchor_field_id

    def _to_local(self, value):
        tz = self.campaign_id._get_schedule_tz()
        return pytz.utc.localize(value).astimezone(tz).replace(tzinfo=None)

    def _to_utc(self, local):
        tz = self.campaign_id._get_schedule_tz()
        return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)

    def _format_local(self, value):
        tz = self.campaign_id._get_schedule_tz()
        return format_datetime(self.env, value, tz=tz.zone, dt_format="d MMMM y HH:mm")

    def _recurrence_delta(self, count=1):
        self.ensure_one()
        return relativedelta(**{self.recurrence_unit: self.recurrence_interval * count})

    def _next_yearly_date(self, after, strictly=False):
        """The first yearly date at or after ``after`` (UTC), at the same local day and time."""
        local_after = self._to_local(after)
        local_date = self._to_local(self.schedule_date)
        for years in range(MAX_YEARS_AHEAD + 1):
            year = local_after.year + years
            candidate = local_date + relativedelta(year=year)
            if candidate.month == 2 and candidate.day == 28 and local_date.day == 29:
                # 29 February runs on the last day of February in common years
                candidate = candidate.replace(day=28)
            due = self._to_utc(candidate)
            if due > after or (due == after and not strictly):
                return due
        return None

    def _series_end(self):
        """The last date of a repeating activity that starts on a date, or None (no end)."""
        if self.schedule_mode != "date" or not self.recurrence_count:
            return None
        return self.schedule_date + self._recurrence_delta(self.recurrence_count - 1)

    def _first_due_date(self, base):
        """When the first run of this activity is due for a participant reaching it at
        ``base``, or None when it will never run (a date that has passed)."""
        self.ensure_one()
        if self.schedule_mode == "yearly":
            return self._next_yearly_date(base)
        if self.schedule_mode == "date":
            if self.schedule_date >= base or not self.recurrence_interval:
                return self.schedule_date if self.schedule_date >= base else None
            # a series of dates: the participant joins it at its first date to come
            end = self._series_end()
            for count in range(1, MAX_PERIODS_AHEAD):
                due = self.schedule_date + self._recurrence_delta(count)
                if end and due > end:
                    return None
                if due >= base:
                    return due
            return None
        return base + self._get_delay()

    def _next_due_date(self, previous_due):
        """When the run that follows a run due at ``previous_due`` is due, or None."""
        self.ensure_one()
        if self.schedule_mode == "yearly":
            return self._next_yearly_date(previous_due, strictly=True)
        due = previous_due + self._recurrence_delta()
        end = self._series_end()
        return None if end and due > end else due

    def _read_anchor_dates(self, res_ids):
        """{record id: the anchor date in UTC, or None} for ``res_ids``, in one query."""
        self.ensure_one()
        field = self._get_anchor_field()
        Model = self.env[field.model]
        Model.flush_model([field.name])
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                SQL.identifier(field.name),
                SQL.identifier(Model._table),
                list(res_ids),
            )
        )
        if field.ttype == "datetime":
            return dict(rows)
        # a date counts from midnight in the campaign's time zone
        return {
            res_id: value and self._to_utc(datetime.combine(value, time.min))
            for res_id, value in rows
        }

    def _plan_first_runs(self, res_ids, base_dates):
        """([due date], [reason the trace is rejected, or None]) per record of ``res_ids``,
        for participants reaching this activity at ``base_dates`` (one date for all, or one
        per record)."""
        self.ensure_one()
        if not isinstance(base_dates, list):
            base_dates = [base_dates] * len(res_ids)
        if self.anchor_field_id and self.schedule_mode == "delay":
            anchors = self._read_anchor_dates(res_ids)
            delay = self._get_delay()
            reason = _(
                "The record's %(field)s is empty: the delay cannot count from it.",
                field=self._get_anchor_field().field_description,
            )
            dues, reasons = [], []
            for res_id, base in zip(res_ids, base_dates, strict=True):
                anchor = anchors.get(res_id)
                dues.append(anchor + delay if anchor else base)
                reasons.append(None if anchor else reason)
            return dues, reasons
        passed = _("The date of the activity had passed when the participant reached it.")
        first_due = {}
        dues, reasons = [], []
        for base in base_dates:
            if base not in first_due:
                first_due[base] = self._first_due_date(base)
            due = first_due[base]
            dues.append(due or base)
            reasons.append(None if due else passed)
        return dues, reasons
