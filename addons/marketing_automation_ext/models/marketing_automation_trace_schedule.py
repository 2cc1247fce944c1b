from odoo import api, fields, models
from odoo.tools import SQL

from .marketing_automation_activity import EVENT_FIELDS, NOT_TRIGGER_FIELDS

PG_INTERVAL_UNITS = {
    "minutes": "mins",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
}


class MarketingAutomationTraceSchedule(models.Model):
    """When traces are due: their creation for participants reaching an activity, and their
    move when an activity's timing changes."""

    _inherit = "marketing.automation.trace"

    # ------------------------------------------------------------------ SCHEDULING

    @api.model
    def _schedule(self, activities, participants, base_date, parent_traces=None):
        """Create the traces of ``activities`` for ``participants``, due at ``base_date`` plus
        each activity's delay, in one insert per activity. ``parent_traces`` (one per participant)
        links the new traces to the trace that triggered them. A trace that already exists for
        the same participant, activity and occurrence is left alone (unique key)."""
        if not activities or not participants:
            return self.browse()
        parents = {}
        if parent_traces:
            parents = {trace.participant_id.id: trace.id for trace in parent_traces}
        participant_ids = participants.ids
        parent_ids = [parents.get(participant_id) for participant_id in participant_ids]
        now, uid = fields.Datetime.now(), self.env.uid
        self.env.flush_all()
        trace_ids, due_dates = [], []
        for activity in activities:
            schedule_date = base_date + activity._get_delay()
            rows = self.env.execute_query(
                SQL(
                    """
                    INSERT INTO marketing_automation_trace (participant_id, activity_id,
                           occurrence, campaign_id, company_id, is_test, parent_id, trigger_date,
                           schedule_date, state, create_date, create_uid, write_date, write_uid)
                    SELECT p.id, %s, 1, p.campaign_id, p.company_id, p.is_test, t.parent, %s, %s,
                           'scheduled', %s, %s, %s, %s
                      FROM unnest(%s::int[], %s::int[]) AS t(participant, parent)
                      JOIN marketing_automation_participant p ON p.id = t.participant
                        ON CONFLICT (participant_id, activity_id, occurrence) DO NOTHING
                 RETURNING id
                    """,
                    activity.id,
                    base_date,
                    schedule_date,
                    now,
                    uid,
                    now,
                    uid,
                    participant_ids,
                    parent_ids,
                )
            )
            if rows:
                trace_ids += [row[0] for row in rows]
                due_dates.append(schedule_date)
        activities.invalidate_recordset(["trace_ids"])
        participants.invalidate_recordset(["trace_ids"])
        if parent_traces:
            parent_traces.invalidate_recordset(["child_ids"])
        if due_dates:
            self._wake_execute_cron(min(due_dates))
        return self.browse(trace_ids)

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
        """Move the scheduled traces of ``activities`` to their trigger date plus the new delay,
        in one statement per activity."""
        for activity in activities:
            self.flush_model()
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE marketing_automation_trace
                       SET schedule_date = trigger_date + make_interval(%s => %s)
                     WHERE activity_id = %s AND state = 'scheduled'
                    """,
                    SQL(PG_INTERVAL_UNITS[activity.interval_type]),
                    activity.interval_number,
                    activity.id,
                )
            )
            self.invalidate_model(["schedule_date"])
        self._wake_execute_cron()
