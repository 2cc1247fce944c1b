"""The trace of a participant at an activity: its storage, its states, its metrics, the tracked
events of its message and the responses they record. When traces are due is
``planning.py``; their claim and run, ``runner.py``."""

import logging

from psycopg2 import IntegrityError

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, plaintext2html

from ...tools.triggers import EVENT_FIELDS, OPPOSITE_TRIGGERS

_logger = logging.getLogger(__name__)

# tracked event -> kind of response it records (an open is no response)
EVENT_RESPONSE_KINDS = {
    "mail_reply": "reply",
    "mail_bounce": "bounce",
    "sms_bounce": "bounce",
    "mail_click": "click",
    "sms_click": "click",
}
# context key: {kind: {"body", "email", "author_id", "date"}} of the message behind the event
RESPONSE_CONTEXT_KEY = "marketing_response_values"

TRACE_STATES = [
    ("scheduled", "Scheduled"),
    ("processed", "Processed"),
    ("rejected", "Rejected"),
    ("canceled", "Canceled"),
    ("error", "Error"),
]


class MarketingAutomationTrace(models.Model):
    _name = "marketing.automation.trace"
    _inherit = ["marketing.automation.restricted.mixin"]
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
    response_ids = fields.One2many("marketing.automation.response", "trace_id")

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

    def _get_restricted_name_depends(self):
        return ["activity_id"]

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

    # ------------------------------------------------------------------ STATE

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
        traces._create_responses(event, event_date)
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

    def _create_responses(self, event, event_date=None):
        """Record the response ``event`` is for these (processed) traces: one per trace and
        kind, whatever the number of times the event happens. The incoming message (a reply's
        text, a bounce's reason) comes in the context (``RESPONSE_CONTEXT_KEY``). Three queries
        for any number of traces, and the insert."""
        kind = EVENT_RESPONSE_KINDS.get(event)
        if not kind or not self:
            return self.env["marketing.automation.response"]
        Response = self.env["marketing.automation.response"].sudo()
        done = Response.search([("trace_id", "in", self.ids), ("kind", "=", kind)]).trace_id
        traces = (self - done).sudo()
        if not traces:
            return Response
        message = (self.env.context.get(RESPONSE_CONTEXT_KEY) or {}).get(kind) or {}
        body = message.get("body") or False
        if body and message.get("plaintext"):
            body = plaintext2html(body)
        date = event_date or fields.Datetime.now()
        if message.get("date"):
            try:
                date = min(fields.Datetime.to_datetime(message["date"]), date)
            except ValueError:
                _logger.info("Unreadable date of a response: %s", message["date"])
        partners = Response._get_partners_of(traces.participant_id)
        author = message.get("author_id") or False
        channel = "sms" if event.startswith("sms_") else "mail"
        vals_list = []
        for trace in traces:
            mailing_trace = trace.mailing_trace_ids.filtered(lambda t, c=channel: t.trace_type == c)
            partner = partners.get(trace.participant_id.id)
            vals_list.append(
                {
                    "participant_id": trace.participant_id.id,
                    "campaign_id": trace.campaign_id.id,
                    "activity_id": trace.activity_id.id,
                    "trace_id": trace.id,
                    "mailing_trace_id": mailing_trace[:1].id,
                    "partner_id": partner.id if partner else author,
                    "kind": kind,
                    "date": date,
                    "body": body,
                    "email": message.get("email") or mailing_trace[:1].email or False,
                }
            )
        try:
            with self.env.cr.savepoint():
                return Response.create(vals_list)
        except IntegrityError:
            # the same event recorded at the same moment by another transaction
            _logger.info("Responses of %s traces already recorded", len(traces))
            return Response

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
