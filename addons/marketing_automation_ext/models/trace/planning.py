"""The planning of due dates: the traces created for participants reaching an activity, the
next runs of repeating activities, and the traces moved when an activity's timing changes."""

from odoo import _, api, fields, models
from odoo.tools import SQL

from ...tools.triggers import EVENT_FIELDS, NOT_TRIGGER_FIELDS, PG_INTERVAL_UNITS


class MarketingAutomationTracePlanning(models.Model):
    """When traces are due: their creation for participants reaching an activity, and their
    move when an activity's timing changes."""

    _inherit = "marketing.automation.trace"

    # ------------------------------------------------------------------ SCHEDULING

    @api.model
    def _schedule(self, activities, participants, base_date, parent_traces=None):
        """Create the traces of ``activities`` for ``participants`` reaching them at
        ``base_date``, due when each activity says, in one insert per activity. ``parent_traces``
        (one per participant) links the new traces to the trace that triggered them; the
        follow-ups of a repeating activity take the occurrence of the run that triggered them.
        A trace that already exists for the same participant, activity and occurrence is left
        alone (unique key). A participant an activity can never run for (its anchor date is
        empty, its date has passed) gets a rejected trace saying why."""
        if not activities or not participants:
            return self.browse()
        parents = {}
        if parent_traces:
            parents = {trace.participant_id.id: trace.id for trace in parent_traces}
        participant_ids = participants.ids
        parent_ids = [parents.get(participant_id) for participant_id in participant_ids]
        self.env.flush_all()
        trace_ids, due_dates, rejected = [], [], False
        for activity in activities:
            occurrence = SQL("COALESCE(pt.occurrence, 1)") if parent_traces else SQL("1")
            if activity._is_plain_delay():
                due = base_date + activity._get_delay()
                plan = SQL(
                    "SELECT t.participant, t.parent, %s::timestamp AS due, NULL::varchar AS reason"
                    "  FROM unnest(%s::int[], %s::int[]) AS t(participant, parent)",
                    due,
                    participant_ids,
                    parent_ids,
                )
                dues = [due]
            else:
                res_ids = [participant.res_id for participant in participants]
                dues, reasons = activity._plan_first_runs(res_ids, base_date)
                plan = SQL(
                    "SELECT * FROM unnest(%s::int[], %s::int[], %s::timestamp[], %s::varchar[])"
                    "    AS t(participant, parent, due, reason)",
                    participant_ids,
                    parent_ids,
                    dues,
                    reasons,
                )
                rejected = rejected or any(reasons)
                dues = [due for due, reason in zip(dues, reasons, strict=True) if not reason]
            rows = self._insert_traces(activity, plan, base_date, occurrence)
            if rows:
                trace_ids += [row[0] for row in rows]
                due_dates += dues[:1] if activity._is_plain_delay() else dues
        activities.invalidate_recordset(["trace_ids"])
        participants.invalidate_recordset(["trace_ids"])
        if parent_traces:
            parent_traces.invalidate_recordset(["child_ids"])
        if rejected:
            participants._check_completed()
        if due_dates:
            self._wake_execute_cron(min(due_dates))
        return self.browse(trace_ids)

    @api.model
    def _insert_traces(self, activity, plan, trigger_date, occurrence):
        """Insert the traces of ``activity`` planned by the query ``plan`` (participant,
        parent trace, due date, rejection reason); return the ids of the new rows."""
        now, uid = fields.Datetime.now(), self.env.uid
        return self.env.execute_query(
            SQL(
                """
                INSERT INTO marketing_automation_trace (participant_id, activity_id,
                       occurrence, campaign_id, company_id, is_test, parent_id, trigger_date,
                       schedule_date, state, state_msg, execution_date,
                       create_date, create_uid, write_date, write_uid)
                SELECT p.id, %(activity)s, %(occurrence)s, p.campaign_id, p.company_id,
                       p.is_test, t.parent, %(trigger)s, t.due,
                       CASE WHEN t.reason IS NULL THEN 'scheduled' ELSE 'rejected' END,
                       t.reason, CASE WHEN t.reason IS NULL THEN NULL ELSE %(now)s END,
                       %(now)s, %(uid)s, %(now)s, %(uid)s
                  FROM (%(plan)s) AS t
                  JOIN marketing_automation_participant p ON p.id = t.participant
             LEFT JOIN marketing_automation_trace pt ON pt.id = t.parent
                    ON CONFLICT (participant_id, activity_id, occurrence) DO NOTHING
             RETURNING id
                """,
                activity=activity.id,
                occurrence=occurrence,
                trigger=trigger_date,
                plan=plan,
                now=now,
                uid=uid,
            )
        )

    def _schedule_next_runs(self, activity):
        """These traces of the repeating ``activity`` ran: schedule each participant's next
        run, unless the activity has run its number of times (one insert)."""
        if not self or not activity._repeats():
            return
        self.flush_recordset(["occurrence", "schedule_date", "parent_id", "participant_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.participant_id, t.parent_id, t.occurrence, t.schedule_date
                  FROM marketing_automation_trace t
                  JOIN marketing_automation_participant p ON p.id = t.participant_id
                 WHERE t.id = ANY(%s) AND p.state != 'removed'
                """,
                self.ids,
            )
        )
        limit = activity.recurrence_count
        next_due = {}
        planned = {}  # (occurrence, previous due) -> [(participant, parent, due)]
        for participant_id, parent_id, occurrence, previous_due in rows:
            if limit and occurrence >= limit:
                continue
            if previous_due not in next_due:
                next_due[previous_due] = activity._next_due_date(previous_due)
            if next_due[previous_due]:
                planned.setdefault((occurrence + 1, previous_due), []).append(
                    (participant_id, parent_id, next_due[previous_due])
                )
        due_dates = []
        for (occurrence, previous_due), plan_rows in planned.items():
            participant_ids, parent_ids, dues = (
                list(column) for column in zip(*plan_rows, strict=True)
            )
            plan = SQL(
                "SELECT t.participant, t.parent, t.due, NULL::varchar AS reason"
                "  FROM unnest(%s::int[], %s::int[], %s::timestamp[]) AS t(participant, parent, due)",
                participant_ids,
                parent_ids,
                dues,
            )
            if self._insert_traces(activity, plan, previous_due, SQL("%s", occurrence)):
                due_dates.append(dues[0])
        activity.invalidate_recordset(["trace_ids"])
        if due_dates:
            self._wake_execute_cron(min(due_dates))

    @api.model
    def _schedule_new_activities(self, activities):
        """A new activity of a running campaign reaches the participants already past its
        parent (or, for a start activity, every running participant)."""
        Trace = self
        now = fields.Datetime.now()
        for activity in activities.filtered(lambda a: a.campaign_id.state == "running"):
            if activity.trigger_type == "begin":
                participants = self.env["marketing.automation.participant"].search(
                    [
                        ("campaign_id", "=", activity.campaign_id.id),
                        ("state", "!=", "removed"),
                        ("is_test", "=", False),
                    ]
                )
                participants.filtered(lambda p: p.state == "completed").state = "running"
                Trace._schedule(activity, participants, now)
                continue
            domain = [
                ("activity_id", "=", activity.parent_id.id),
                ("state", "=", "processed"),
                ("participant_id.state", "!=", "removed"),
                ("is_test", "=", False),
            ]
            event_field = EVENT_FIELDS.get(activity.trigger_type)
            if event_field:
                domain.append((event_field, "!=", False))
            if activity.trigger_type in NOT_TRIGGER_FIELDS:
                domain.append((NOT_TRIGGER_FIELDS[activity.trigger_type], "=", False))
            parent_traces = Trace.search(domain)
            if parent_traces:
                participants = parent_traces.participant_id
                participants.filtered(lambda p: p.state == "completed").state = "running"
                Trace._schedule(activity, participants, now, parent_traces)

    @api.model
    def _reschedule(self, activities):
        """Move the scheduled traces of ``activities`` to when their timing now says: the
        trigger date plus the delay in one statement for a plain delay; otherwise the first run
        planned again from its trigger date (rejected when it can no longer run) and the next
        runs from the run before them."""
        self.flush_model()
        for activity in activities:
            if activity._is_plain_delay():
                self.env.cr.execute(
                    SQL(
                        """
                        UPDATE marketing_automation_trace
                           SET schedule_date = trigger_date + make_interval(%s => %s)
                         WHERE activity_id = %s AND state = 'scheduled' AND occurrence = 1
                        """,
                        SQL(PG_INTERVAL_UNITS[activity.interval_type]),
                        activity.interval_number,
                        activity.id,
                    )
                )
            else:
                self._replan_first_runs(activity)
            if activity._repeats():
                self._replan_next_runs(activity)
            else:
                # no longer repeating: the runs planned beyond the first do not happen
                self.search(
                    [
                        ("activity_id", "=", activity.id),
                        ("state", "=", "scheduled"),
                        ("occurrence", ">", 1),
                    ]
                )._set_state("canceled", message=_("The activity no longer repeats."))
        self.invalidate_model(["schedule_date", "state", "state_msg", "execution_date"])
        self._wake_execute_cron()

    @api.model
    def _replan_first_runs(self, activity):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, p.res_id, t.trigger_date
                  FROM marketing_automation_trace t
                  JOIN marketing_automation_participant p ON p.id = t.participant_id
                 WHERE t.activity_id = %s AND t.state = 'scheduled' AND t.occurrence = 1
                """,
                activity.id,
            )
        )
        if not rows:
            return
        trace_ids, res_ids, bases = (list(column) for column in zip(*rows, strict=True))
        dues, reasons = activity._plan_first_runs(res_ids, bases)
        self._write_plan(trace_ids, dues, reasons)

    @api.model
    def _replan_next_runs(self, activity):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, t.trigger_date FROM marketing_automation_trace t
                 WHERE t.activity_id = %s AND t.state = 'scheduled' AND t.occurrence > 1
                """,
                activity.id,
            )
        )
        if not rows:
            return
        ended = _("The repetitions of the activity ended before this run.")
        trace_ids, dues, reasons = [], [], []
        for trace_id, previous_due in rows:
            due = activity._next_due_date(previous_due)
            trace_ids.append(trace_id)
            dues.append(due or previous_due)
            reasons.append(None if due else ended)
        self._write_plan(trace_ids, dues, reasons)

    @api.model
    def _write_plan(self, trace_ids, dues, reasons):
        """Set the due date of scheduled traces, or reject them with the reason (one update)."""
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
                UPDATE marketing_automation_trace t
                   SET schedule_date = m.due,
                       state = CASE WHEN m.reason IS NULL THEN 'scheduled' ELSE 'rejected' END,
                       state_msg = m.reason,
                       execution_date = CASE WHEN m.reason IS NULL THEN NULL ELSE %s END,
                       write_date = %s, write_uid = %s
                  FROM unnest(%s::int[], %s::timestamp[], %s::varchar[]) AS m(id, due, reason)
                 WHERE t.id = m.id
                """,
                now,
                now,
                self.env.uid,
                trace_ids,
                dues,
                reasons,
            )
        )
