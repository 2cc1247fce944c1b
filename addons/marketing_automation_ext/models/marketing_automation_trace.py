import logging

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from .marketing_automation_activity import EVENT_FIELDS, NOT_TRIGGER_FIELDS, OPPOSITE_TRIGGERS
from .restricted_names import filtered_name_readable

_logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 2000
DEFAULT_CHUNK_SIZE = 1000

TRACE_STATES = [
    ("scheduled", "Scheduled"),
    ("processed", "Processed"),
    ("rejected", "Rejected"),
    ("canceled", "Canceled"),
    ("error", "Error"),
]

PG_INTERVAL_UNITS = {
    "minutes": "mins",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
}


class MarketingAutomationTrace(models.Model):
    _name = "marketing.automation.trace"
    _description = "Automated Campaign Trace"
    _order = "schedule_date desc, id desc"
    _rec_name = "activity_id"

    participant_id = fields.Many2one(
        "marketing.automation.participant", required=True, ondelete="cascade", index=True
    )
    activity_id = fields.Many2one(
        "marketing.automation.activity", required=True, ondelete="cascade", index=True
    )
    occurrence = fields.Integer(default=1, required=True)
    campaign_id = fields.Many2one(
        related="participant_id.campaign_id", store=True, index=True, string="Campaign"
    )
    company_id = fields.Many2one(related="participant_id.company_id", store=True, index=True)
    is_test = fields.Boolean(related="participant_id.is_test", store=True, string="Test")
    res_model = fields.Char(related="participant_id.res_model", string="Record Model")
    res_id = fields.Many2oneReference(
        related="participant_id.res_id", model_field="res_model", string="Record ID"
    )
    record_name = fields.Char(related="participant_id.record_name", string="Record")
    activity_type = fields.Selection(related="activity_id.activity_type")
    parent_id = fields.Many2one(
        "marketing.automation.trace",
        string="Parent Trace",
        ondelete="cascade",
        index="btree_not_null",
    )
    child_ids = fields.One2many("marketing.automation.trace", "parent_id", string="Child Traces")
    trigger_date = fields.Datetime(
        required=True,
        default=fields.Datetime.now,
        help="The date the delay of the activity counts from.",
    )
    schedule_date = fields.Datetime(string="Scheduled On", required=True)
    execution_date = fields.Datetime(string="Executed On", readonly=True)
    state = fields.Selection(TRACE_STATES, default="scheduled", required=True)
    state_msg = fields.Text(string="Reason")
    mailing_trace_ids = fields.One2many(
        "mailing.trace", "marketing_trace_id", string="Mailing Traces"
    )
    mailing_trace_status = fields.Selection(
        related="mailing_trace_ids.trace_status", string="Delivery Status"
    )
    open_datetime = fields.Datetime(string="Opened On", readonly=True)
    click_datetime = fields.Datetime(string="Clicked On", readonly=True)
    reply_datetime = fields.Datetime(string="Replied On", readonly=True)
    bounce_datetime = fields.Datetime(string="Bounced On", readonly=True)

    _sql_constraints = [
        (
            "participant_activity_occurrence_uniq",
            "UNIQUE(participant_id, activity_id, occurrence)",
            "An activity runs once per participant and occurrence.",
        ),
    ]

    def init(self):
        # the scheduler only ever looks at scheduled traces: a small partial index keeps a tick
        # with nothing due cheap whatever the history; (schedule_date, id) is the claim order
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS marketing_automation_trace_due_idx
                ON marketing_automation_trace (schedule_date, id)
             WHERE state = 'scheduled'
            """
        )

    @api.depends("activity_id")
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_display_name(self):
        hidden = self - filtered_name_readable(self)
        hidden.display_name = self.env._("Restricted")
        return super(MarketingAutomationTrace, self - hidden)._compute_display_name()

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        traces = super().create(vals_list)
        if traces:
            self._wake_execute_cron(min(traces.mapped("schedule_date")))
        return traces

    def write(self, vals):
        if vals.get("state") == "scheduled" and any(t.state != "scheduled" for t in self):
            raise UserError(
                _(
                    "A trace that has run or was canceled cannot be scheduled again: each "
                    "activity runs at most once for a participant."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------------ METRICS

    @api.model
    def _get_metrics(self, groupby, domain):
        """Counts per ``groupby`` value (campaign_id or activity_id) in a fixed number of
        queries: {id: {metric: count}}. Test traces never count."""
        domain = [*domain, ("is_test", "=", False)]
        result = {}

        def add(rows, metric=None):
            for record, *rest in rows:
                key = metric or rest[0]
                bucket = result.setdefault(record.id, {})
                bucket[key] = bucket.get(key, 0) + rest[-1]

        add(self._read_group(domain, [groupby, "state"], ["__count"]))
        for metric, field in (
            ("opened", "open_datetime"),
            ("clicked", "click_datetime"),
            ("replied", "reply_datetime"),
            ("bounced", "bounce_datetime"),
        ):
            add(self._read_group([*domain, (field, "!=", False)], [groupby], ["__count"]), metric)
        sent_domain = [
            *domain,
            ("state", "=", "processed"),
            (
                "mailing_trace_ids.trace_status",
                "in",
                # as the host counts them: queued mails are not sent yet
                ("pending", "sent", "open", "reply"),
            ),
        ]
        add(self._read_group(sent_domain, [groupby], ["__count"]), "sent")
        return result

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

    # ------------------------------------------------------------------ SCHEDULER

    @api.model
    def _get_batch_size(self):
        param = (
            self.env["ir.config_parameter"].sudo().get_param("marketing_automation_ext.batch_size")
        )
        return int(param) if param and param.isdigit() and int(param) > 0 else DEFAULT_BATCH_SIZE

    @api.model
    def _due_where(self, now):
        return SQL(
            """t.state = 'scheduled' AND t.schedule_date <= %s AND t.is_test IS NOT TRUE
               AND EXISTS (SELECT 1 FROM marketing_automation_campaign c
                            WHERE c.id = t.campaign_id AND c.state = 'running')""",
            now,
        )

    @api.model
    def _claim_due(self, limit=None):
        """Lock and return at most ``limit`` due traces of running campaigns. Rows another
        worker holds are skipped, so two workers never execute the same trace."""
        self.env["marketing.automation.campaign"].flush_model(["state"])
        self.flush_model()
        now = fields.Datetime.now()
        # a row another worker processed since this transaction began cannot be locked: the
        # serialization failure is expected and handled by the caller, not a bad query to log
        self.env.cr.execute(
            SQL(
                """
                SELECT t.id FROM marketing_automation_trace t
                 WHERE %s
                 ORDER BY t.schedule_date, t.id
                 LIMIT %s
                   FOR UPDATE OF t SKIP LOCKED
                """,
                self._due_where(now),
                limit or self._get_batch_size(),
            ),
            log_exceptions=False,
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _get_next_schedule_date(self):
        """The earliest schedule date of the scheduled traces, or None: a single ordered read of
        the partial index of scheduled traces, whatever the history (the planner always serves a
        min() by the index, and entries of traces done since are skipped after the first read)."""
        self.flush_model(["state", "schedule_date", "is_test"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT min(t.schedule_date) FROM marketing_automation_trace t
                 WHERE t.state = 'scheduled' AND t.is_test IS NOT TRUE
                """
            )
        )
        return rows[0][0]

    @api.model
    def _cron_execute(self):
        """Execute one bounded batch of due traces. The cron runner commits after each call and
        calls again while ``remaining`` is reported; past that, the cron is triggered again."""
        next_date = self._get_next_schedule_date()
        if not next_date or next_date > fields.Datetime.now():
            # nothing due: the usual tick, kept to one query and a wake-up at the next date
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            if next_date:
                self._wake_execute_cron(next_date, unless_planned=True)
            return
        try:
            traces = self._claim_due()
            traces._execute()
        except pg_errors.TransactionRollbackError:
            # another transaction (a worker, a user editing a record) changed rows this batch
            # reads or writes since its snapshot: nothing of the batch is kept, it runs again soon
            self.env.cr.rollback()
            self.env.ref("marketing_automation_ext.ir_cron_marketing_automation_execute")._trigger()
            return
        remaining, next_date = self._get_due_stats()
        self.env["ir.cron"]._notify_progress(done=len(traces), remaining=remaining)
        if remaining:
            self._wake_execute_cron()
        elif next_date:
            self._wake_execute_cron(next_date)

    @api.model
    def _get_due_stats(self):
        """(number of traces due now, date of the next scheduled one) in one query that reads
        the partial index of scheduled traces only."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT count(*) FILTER (WHERE t.schedule_date <= %s), min(t.schedule_date)
                  FROM marketing_automation_trace t
                 WHERE t.state = 'scheduled' AND t.is_test IS NOT TRUE
                   AND EXISTS (SELECT 1 FROM marketing_automation_campaign c
                                WHERE c.id = t.campaign_id AND c.state = 'running')
                """,
                fields.Datetime.now(),
            )
        )
        return rows[0]

    @api.model
    def _wake_execute_cron(self, at=None, unless_planned=False):
        """Trigger the execute cron now or at ``at``; with ``unless_planned``, only when no
        trigger is planned by then already (the scheduling of the traces planned one)."""
        # the cached xmlid lookup, without the existence query of env.ref()
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "marketing_automation_ext.ir_cron_marketing_automation_execute",
            raise_if_not_found=False,
        )
        if not cron_id:
            return
        cron = self.env["ir.cron"].browse(cron_id)
        now = fields.Datetime.now()
        if unless_planned and at:
            planned = self.env.execute_query(
                SQL(
                    "SELECT 1 FROM ir_cron_trigger WHERE cron_id = %s AND call_at <= %s LIMIT 1",
                    cron.id,
                    at,
                )
            )
            if planned:
                return
        if at is None or at <= now:
            cron.sudo()._trigger()
        else:
            cron.sudo()._trigger(at)

    # ------------------------------------------------------------------ EXECUTION

    def _execute(self):
        """Execute these traces, activity by activity, in chunks: a chunk that fails is rolled
        back to its savepoint and its traces are marked in error with the message."""
        if not self:
            return
        now = fields.Datetime.now()
        by_activity, res_by_trace = self._discard_unrunnable(now)
        Activity = self.env["marketing.automation.activity"]
        for activity_id, trace_ids in by_activity.items():
            activity = Activity.browse(activity_id)
            for chunk_ids in split_every(DEFAULT_CHUNK_SIZE, trace_ids):
                chunk = self.browse(chunk_ids)
                try:
                    with self.env.cr.savepoint():
                        activity._execute_traces(chunk, res_by_trace)
                        self.env.flush_all()
                except pg_errors.TransactionRollbackError:
                    # a concurrent update is not the activity's failure: the batch runs again
                    raise
                except Exception as error:
                    _logger.info(
                        "Activity %s failed for %s traces: %s", activity.id, len(chunk), error
                    )
                    message = str(error) or error.__class__.__name__
                    chunk._set_state("error", now, message)
                    if not all(chunk.mapped("is_test")):
                        # shown on the campaign's form until one of its batches runs again
                        activity.campaign_id._set_cron_error(
                            "execute",
                            _("Activity %(name)s: %(error)s", name=activity.name, error=message),
                        )
                else:
                    activity.campaign_id._clear_cron_error("execute")
        self.participant_id._check_completed()

    def _discard_unrunnable(self, now):
        """Cancel the scheduled traces of removed participants and the "not ..." traces whose
        event happened after all, reject the expired ones. Return the others grouped by activity
        ({activity id: [trace ids]}) and the record id of every trace ({trace id: res_id})."""
        self.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, t.activity_id, p.res_id, p.state, t.schedule_date,
                       parent.open_datetime, parent.click_datetime, parent.reply_datetime
                  FROM marketing_automation_trace t
                  JOIN marketing_automation_participant p ON p.id = t.participant_id
             LEFT JOIN marketing_automation_trace parent ON parent.id = t.parent_id
                 WHERE t.id = ANY(%s) AND t.state = 'scheduled'
                 ORDER BY t.id
                """,
                self.ids,
            )
        )
        activities = self.env["marketing.automation.activity"].browse({row[1] for row in rows})
        validity = {a.id: a._get_validity() if a.validity_enabled else None for a in activities}
        not_field = {a.id: NOT_TRIGGER_FIELDS.get(a.trigger_type) for a in activities}
        parent_index = {"open_datetime": 5, "click_datetime": 6, "reply_datetime": 7}
        canceled, expired, by_activity, res_by_trace = [], [], {}, {}
        for row in rows:
            trace_id, activity_id, res_id, participant_state, schedule_date = row[:5]
            field = not_field[activity_id]
            if participant_state == "removed" or (field and row[parent_index[field]]):
                canceled.append(trace_id)
            elif validity[activity_id] and schedule_date + validity[activity_id] < now:
                expired.append(trace_id)
            else:
                by_activity.setdefault(activity_id, []).append(trace_id)
                res_by_trace[trace_id] = res_id
        self.browse(canceled)._set_state("canceled", now, _("No longer applicable."))
        self.browse(expired)._set_state(
            "rejected", now, _("Expired: not executed within the validity period.")
        )
        return by_activity, res_by_trace

    def _set_state(self, state, now=None, message=None):
        """Set the state of these traces in one statement (execution marks thousands at once)."""
        if not self:
            return
        self.flush_recordset()
        now = now or fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
                UPDATE marketing_automation_trace
                   SET state = %s, execution_date = %s, state_msg = %s,
                       write_date = %s, write_uid = %s
                 WHERE id = ANY(%s)
                """,
                state,
                now,
                message,
                now,
                self.env.uid,
                self.ids,
            )
        )
        self.invalidate_recordset(
            ["state", "execution_date", "state_msg", "write_date", "write_uid"]
        )

    def _set_processed(self, now=None):
        self._set_state("processed", now)

    def _set_rejected(self, message, now=None):
        self._set_state("rejected", now, message)

    # ------------------------------------------------------------------ TRACKING EVENTS

    def _process_event(self, event, event_date=None):
        """A tracked event (``mail_open``, ``mail_click``, ``mail_reply``, ``mail_bounce``,
        ``sms_click``, ``sms_bounce``) happened for these (parent) traces: record it, schedule
        the children waiting for it and cancel the "not ..." children it contradicts."""
        traces = self.filtered(lambda t: t.state == "processed")
        if not traces:
            return
        event_date = event_date or fields.Datetime.now()
        field = EVENT_FIELDS[event]
        new_traces = traces.filtered(lambda t: not t[field])
        new_traces.write({field: event_date})
        if event in ("mail_click", "mail_reply"):
            # a click or a reply implies the mail was opened
            traces.filtered(lambda t: not t.open_datetime).write({"open_datetime": event_date})
        # the event counts in the statistics; a stopped campaign no longer reacts to it (test
        # participants react whatever the campaign's state)
        traces = traces.filtered(lambda t: t.is_test or t.campaign_id.state == "running")
        if not traces:
            return
        opposite = OPPOSITE_TRIGGERS.get(event, ())
        if opposite:
            to_cancel = self.search(
                [
                    ("parent_id", "in", traces.ids),
                    ("state", "=", "scheduled"),
                    ("activity_id.trigger_type", "in", opposite),
                ]
            )
            if event in ("mail_bounce", "sms_bounce"):
                message = _("Canceled: the parent message bounced.")
            else:
                message = _("Canceled: the participant reacted to the parent message.")
            to_cancel.write({"state": "canceled", "state_msg": message})
        triggers = [event] + (["mail_open"] if event in ("mail_click", "mail_reply") else [])
        for trigger in triggers:
            children = traces.activity_id.child_ids.filtered(
                lambda a, t=trigger: a.trigger_type == t
            )
            for activity in children:
                parents = traces.filtered(
                    lambda t, a=activity: (
                        t.activity_id == a.parent_id and t.participant_id.state != "removed"
                    )
                )
                existing = self.search(
                    [("activity_id", "=", activity.id), ("parent_id", "in", parents.ids)]
                )
                parents -= existing.parent_id
                if parents:
                    parents.participant_id.filtered(lambda p: p.state == "completed").write(
                        {"state": "running"}
                    )
                    self._schedule(activity, parents.participant_id, event_date, parents)

    # ------------------------------------------------------------------ ACTIONS

    def action_execute_now(self):
        """Test run: execute these test traces now, whatever their date."""
        tests = self.filtered("is_test")
        tests.campaign_id.check_access("write")
        tests.sudo()._execute()
        return True

    def action_simulate_event(self):
        """Test run: pretend the participant reacted (event in context ``simulate_event``)."""
        event = self.env.context.get("simulate_event")
        if event in EVENT_FIELDS:
            self.filtered("is_test")._process_event(event)
        return True
