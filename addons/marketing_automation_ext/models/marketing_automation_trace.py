import logging

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, split_every

from .marketing_automation_activity import EVENT_FIELDS, NOT_TRIGGER_FIELDS, OPPOSITE_TRIGGERS
from .restricted_names import filtered_name_readable

_logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 1000

TRACE_STATES = [
    ("scheduled", "Scheduled"),
    ("processed", "Processed"),
    ("rejected", "Rejected"),
    ("canceled", "Canceled"),
    ("error", "Error"),
]


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
            postponed = self.browse(trace_ids)._postpone_to_last_delivery(activity, now)
            if postponed:
                trace_ids = [trace_id for trace_id in trace_ids if trace_id not in postponed._ids]
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
        traces._create_responses(event, event_date)  # see marketing_automation_trace_response
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
