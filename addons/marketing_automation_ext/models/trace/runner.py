"""The claim-and-run loop of the execute cron: which traces are due now within the sending
pace of their campaigns and the contact pressure cap, their claim by one worker, their run
activity by activity, and the wake-up of the cron at the next allowed moment. The flow of one
tick is written in the docstring of ``_cron_execute``."""

import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.tools import SQL, split_every

from ...tools.execute_plan import ExecutePlan
from ...tools.send_pace import PACE_FIELDS, SENDING_ACTIVITY_TYPES
from ...tools.triggers import NOT_TRIGGER_FIELDS

_logger = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 1000

DEFAULT_BATCH_SIZE = 2000
PRESSURE_DAYS = 7
# the mailing traces that count against the contact pressure cap: queued or delivered
PRESSURE_STATUSES = ("outgoing", "pending", "sent", "open", "reply")


class MarketingAutomationTraceRunner(models.Model):
    """The execute cron: claims due traces in bounded batches, within the sending pace of the
    campaigns, runs them, and sleeps until the next allowed moment."""

    _inherit = "marketing.automation.trace"

    def init(self):
        res = super().init()
        # the scheduler reads the first scheduled trace of each activity: one index entry per
        # activity whatever the number of traces waiting behind it (a closed sending window)
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS marketing_automation_trace_activity_due_idx
                ON marketing_automation_trace (activity_id, schedule_date, id)
             WHERE state = 'scheduled' AND is_test IS NOT TRUE
            """
        )
        return res

    def write(self, vals):
        res = super().write(vals)
        if vals.get("schedule_date") and vals.get("state", "scheduled") == "scheduled":
            # a trace moved by hand: the scheduler wakes at its new date
            self._wake_execute_cron(fields.Datetime.to_datetime(vals["schedule_date"]))
        return res

    # ------------------------------------------------------------------ CRON

    @api.model
    def _cron_execute(self):
        """Execute one bounded batch of due traces. The cron runner commits after each call and
        calls again while ``remaining`` is reported; past that, the cron is triggered at the
        next allowed moment (a due trace, a campaign's next batch or window opening).

        The flow of one tick:

        1. plan (``_get_execute_plan``): one query reads, for each activity of the running
           campaigns, the due date of its first scheduled trace and its campaign's pace; the
           pace (``campaign/pace.py``, ``tools/send_pace.py``) and the plan
           (``tools/execute_plan.py``) say what may be claimed now and when next. Nothing
           claimable: report no progress, wake the cron at the next allowed moment, stop;
        2. claim due traces FOR UPDATE SKIP LOCKED (``_claim_due``): first the emails and SMS
           of the paced campaigns allowed to send, a batch each, their campaign's row locked
           and its last batch recorded (``_claim_paced``); then the other due traces, in their
           due order, up to the batch size;
        3. apply the contact pressure cap (``_apply_pressure_cap``): the emails that would
           exceed it are moved to when it frees for their contact;
        4. run (``_execute``): cancel the traces of removed participants and the "not ..."
           traces whose event happened, reject the expired ones (``_discard_unrunnable``);
           move the repeating runs counted from the last delivery when an email was delivered
           since (``_postpone_to_last_delivery``); then per activity and chunk, in a
           savepoint, ``activity/execution.py`` checks the records against the activity
           filter (``tools/filter_domain.py``), acts (emails and SMS
           queued by ``mailing_mailing.py``, which plans the fetch of the replies), marks the
           traces processed or rejected and plans what follows (``planning.py``: the next run
           of a repeating activity, the follow-ups); a failing chunk is marked in error on
           its traces and its campaign; the participants with nothing left are completed;
        5. a concurrent update (serialization failure, deadlock) rolls the batch back and
           triggers the cron again;
        6. report the progress (``_get_due_stats``) and wake the cron: at once while traces
           remain claimable, else at the next allowed moment (``_wake_execute_cron``)."""
        now = fields.Datetime.now()
        plan = self._get_execute_plan(now)
        if not plan.claimable:
            # nothing allowed now: the usual tick, kept to one query and a wake-up at the next
            # allowed moment, whatever the number of traces waiting for it
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            if plan.next_date:
                self._wake_execute_cron(plan.next_date, unless_planned=True)
            return
        try:
            traces = self._claim_due()
            traces._execute()
        except pg_errors.TransactionRollbackError:
            # another transaction (a worker, a user editing a record) changed rows this batch
            # reads or writes since its snapshot: nothing of the batch is kept, it runs again soon
            self.env.cr.rollback()
            self.env.ref(
                "marketing_automation_ext.ir_cron_marketing_automation_trace_execute"
            )._trigger()
            return
        remaining, next_date = self._get_due_stats()
        self.env["ir.cron"]._notify_progress(done=len(traces), remaining=remaining)
        if remaining:
            self._wake_execute_cron()
        elif next_date:
            self._wake_execute_cron(next_date, unless_planned=True)

    # ------------------------------------------------------------------ PLAN AND CLAIM

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
    def _get_execute_plan(self, now):
        """The ExecutePlan at ``now``, in one query: for each activity of a running campaign
        the date of its first scheduled trace (one index entry each) with the pace of its
        campaign and the time zones it may be read in."""
        self.env["marketing.automation.campaign"].flush_model(
            ["state", "send_last_batch_date", *PACE_FIELDS]
        )
        self.flush_model(["state", "schedule_date", "is_test", "activity_id"])
        pace_columns = SQL(", ").join(
            SQL.identifier("c", fname) for fname in (*PACE_FIELDS, "send_last_batch_date")
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id, a.campaign_id, a.activity_type IN %s,
                       (SELECT t.schedule_date FROM marketing_automation_trace t
                         WHERE t.activity_id = a.id AND t.state = 'scheduled'
                           AND t.is_test IS NOT TRUE
                         ORDER BY t.schedule_date, t.id LIMIT 1),
                       company_partner.tz, user_partner.tz, %s
                  FROM marketing_automation_activity a
                  JOIN marketing_automation_campaign c ON c.id = a.campaign_id
                  JOIN res_company company ON company.id = c.company_id
                  JOIN res_partner company_partner ON company_partner.id = company.partner_id
             LEFT JOIN res_users u ON u.id = c.user_id
             LEFT JOIN res_partner user_partner ON user_partner.id = u.partner_id
                 WHERE c.state = 'running'
                """,
                SENDING_ACTIVITY_TYPES,
                pace_columns,
            )
        )
        Campaign = self.env["marketing.automation.campaign"]
        paces = {}
        activities = []
        for activity_id, campaign_id, sending, first_due, company_tz, user_tz, *pace in rows:
            if campaign_id not in paces:
                values = dict(zip((*PACE_FIELDS, "send_last_batch_date"), pace, strict=True))
                paces[campaign_id] = Campaign._make_send_pace(values, [company_tz, user_tz])
            activities.append((activity_id, campaign_id, sending, first_due, paces[campaign_id]))
        return ExecutePlan.build(now, activities)

    @api.model
    def _claim_due(self, limit=None):
        """Lock and return at most ``limit`` due traces of running campaigns, in their due
        order; the emails and SMS of paced campaigns within their pace. Rows another worker
        holds are skipped, so two workers never execute the same trace."""
        now = fields.Datetime.now()
        limit = limit or self._get_batch_size()
        plan = self._get_execute_plan(now)
        if not plan.claimable:
            return self.browse()
        trace_ids = self._claim_paced(plan, now, limit)
        general_limit = limit - len(trace_ids)
        if general_limit > 0 and plan.general_claimable:
            held = SQL()
            if plan.held_activity_ids:
                held = SQL("AND t.activity_id <> ALL(%s)", plan.held_activity_ids)
            # a row another worker processed since this transaction began cannot be locked:
            # the serialization failure is expected and handled by the caller, not a bad
            # query to log
            self.env.cr.execute(
                SQL(
                    """
                    SELECT t.id FROM marketing_automation_trace t
                     WHERE %s %s
                     ORDER BY t.schedule_date, t.id
                     LIMIT %s
                       FOR UPDATE OF t SKIP LOCKED
                    """,
                    self._due_where(now),
                    held,
                    general_limit,
                ),
                log_exceptions=False,
            )
            trace_ids += [row[0] for row in self.env.cr.fetchall()]
        traces = self.browse(trace_ids)
        return traces._apply_pressure_cap(now)

    @api.model
    def _claim_paced(self, plan, now, limit):
        """Claim the due emails and SMS of the paced campaigns allowed to send now, at most
        their batch size each, and record their batch. The campaign's row is locked first: a
        second worker skips the campaign instead of sending a second batch at once."""
        trace_ids = []
        for campaign_id, (batch_size, activity_ids) in plan.open_campaigns.items():
            quota = min(batch_size or limit, limit - len(trace_ids))
            if quota <= 0:
                break
            locked = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM marketing_automation_campaign
                     WHERE id = %s AND state = 'running' FOR NO KEY UPDATE SKIP LOCKED
                    """,
                    campaign_id,
                )
            )
            if not locked:
                continue
            self.env.cr.execute(
                SQL(
                    """
                    SELECT t.id FROM marketing_automation_trace t
                     WHERE t.id IN (
                           SELECT due.id
                             FROM unnest(%s::int[]) AS a(id),
                          LATERAL (SELECT d.id, d.schedule_date
                                     FROM marketing_automation_trace d
                                    WHERE d.activity_id = a.id AND d.state = 'scheduled'
                                      AND d.is_test IS NOT TRUE AND d.schedule_date <= %s
                                    ORDER BY d.schedule_date, d.id LIMIT %s) AS due
                            ORDER BY due.schedule_date, due.id LIMIT %s)
                       AND t.state = 'scheduled'
                     ORDER BY t.schedule_date, t.id
                       FOR UPDATE OF t SKIP LOCKED
                    """,
                    activity_ids,
                    now,
                    quota,
                    quota,
                ),
                log_exceptions=False,
            )
            claimed = [row[0] for row in self.env.cr.fetchall()]
            if claimed:
                self.env.cr.execute(
                    SQL(
                        "UPDATE marketing_automation_campaign SET send_last_batch_date = %s"
                        " WHERE id = %s",
                        now,
                        campaign_id,
                    ),
                    log_exceptions=False,
                )
                self.env["marketing.automation.campaign"].browse(campaign_id).invalidate_recordset(
                    ["send_last_batch_date"]
                )
                trace_ids += claimed
        return trace_ids

    def _apply_pressure_cap(self, now):
        """The contact pressure cap (setting, off when 0): a contact receives at most N
        marketing emails of the campaigns per rolling 7 days. The emails of these claimed
        traces that would exceed it are postponed to when the cap frees for their contact
        (they stay scheduled); return the traces to execute."""
        cap = self.env["marketing.automation.campaign"]._get_global_send_pace()[2]
        if not cap or not self:
            return self
        emails_traces = self.filtered(lambda t: t.activity_id.activity_type == "email")
        email_of = {}
        for activity, traces in emails_traces.grouped("activity_id").items():
            records = self.env[activity.campaign_id.model_name].browse(traces.mapped("res_id"))
            emails, _blacklisted = self.env["mailing.mailing"]._get_automation_emails(records)
            for trace in traces:
                email = (emails or {}).get(trace.res_id)
                if email:
                    email_of[trace.id] = email
        if not email_of:
            return self
        since = now - timedelta(days=PRESSURE_DAYS)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT email, count(*), min(create_date) FROM mailing_trace
                 WHERE email = ANY(%s) AND trace_type = 'mail'
                   AND marketing_trace_id IS NOT NULL
                   AND create_date > %s AND trace_status IN %s
                 GROUP BY email
                """,
                list(set(email_of.values())),
                since,
                PRESSURE_STATUSES,
            )
        )
        sent = {email: (count, oldest) for email, count, oldest in rows}
        postponed = defaultdict(list)
        for trace in emails_traces.sorted(lambda t: (t.schedule_date, t.id)):
            email = email_of.get(trace.id)
            if not email:
                continue
            count, oldest = sent.get(email, (0, now))
            if count >= cap:
                postponed[oldest + timedelta(days=PRESSURE_DAYS)].append(trace.id)
            else:
                sent[email] = (count + 1, oldest)
        if not postponed:
            return self
        for date, trace_ids in postponed.items():
            self.env.execute_query(
                SQL(
                    "UPDATE marketing_automation_trace SET schedule_date = %s WHERE id = ANY(%s)",
                    date,
                    trace_ids,
                )
            )
        self.invalidate_recordset(["schedule_date"])
        self._wake_execute_cron(min(postponed))
        return self - self.browse([i for ids in postponed.values() for i in ids])

    def _postpone_to_last_delivery(self, activity, now):
        """Runs of ``activity`` (whose period counts from the last delivered email) due now,
        where an email of the campaign was delivered to the participant since the period began:
        move them to a period after that delivery and return them; the others run."""
        if activity.recurrence_since != "last_delivery" or not activity._repeats():
            return self.browse()
        self.flush_recordset(["occurrence", "participant_id"])
        self.env["mailing.trace"].flush_model(
            ["marketing_trace_id", "trace_status", "sent_datetime"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT t.id, max(m.sent_datetime)
                  FROM marketing_automation_trace t
                  JOIN marketing_automation_trace done ON done.participant_id = t.participant_id
                  JOIN mailing_trace m ON m.marketing_trace_id = done.id
                 WHERE t.id = ANY(%s) AND t.occurrence > 1
                   AND m.trace_status IN ('sent', 'open', 'reply')
                 GROUP BY t.id
                """,
                self.ids,
            )
        )
        delta = activity._recurrence_delta()
        moves = {trace_id: last + delta for trace_id, last in rows if last and last + delta > now}
        if not moves:
            return self.browse()
        self.env.execute_query(
            SQL(
                """
                UPDATE marketing_automation_trace t
                   SET schedule_date = m.due, write_date = %s, write_uid = %s
                  FROM unnest(%s::int[], %s::timestamp[]) AS m(id, due)
                 WHERE t.id = m.id
                """,
                now,
                self.env.uid,
                list(moves),
                list(moves.values()),
            )
        )
        postponed = self.browse(list(moves))
        postponed.invalidate_recordset(["schedule_date", "write_date", "write_uid"])
        self._wake_execute_cron(min(moves.values()))
        return postponed

    # ------------------------------------------------------------------ RUN

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

    @api.model
    def _get_next_schedule_date(self):
        """The earliest moment a scheduled trace may be claimed: its due date, or for the
        emails and SMS of a paced campaign the next batch allowed from now; None if none."""
        return self._get_execute_plan(fields.Datetime.now()).first_date

    @api.model
    def _get_due_stats(self):
        """(number of traces that may be claimed now, date of the next allowed moment)."""
        now = fields.Datetime.now()
        plan = self._get_execute_plan(now)
        if not plan.claimable:
            return 0, plan.next_date
        remaining = 0
        for batch_size, _activity_ids in plan.open_campaigns.values():
            remaining += batch_size or 1
        if not plan.general_claimable:
            return remaining, plan.next_date
        held = SQL()
        if plan.held_activity_ids:
            held = SQL("AND t.activity_id <> ALL(%s)", plan.held_activity_ids)
        rows = self.env.execute_query(
            SQL(
                "SELECT count(*) FROM marketing_automation_trace t WHERE %s %s",
                self._due_where(now),
                held,
            )
        )
        return remaining + rows[0][0], plan.next_date

    @api.model
    def _wake_execute_cron(self, at=None, unless_planned=False):
        """Trigger the execute cron now or at ``at``; with ``unless_planned``, only when no
        later trigger is planned by then already (the scheduling of the traces planned one)."""
        # the cached xmlid lookup, without the existence query of env.ref()
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "marketing_automation_ext.ir_cron_marketing_automation_trace_execute",
            raise_if_not_found=False,
        )
        if not cron_id:
            return
        cron = self.env["ir.cron"].browse(cron_id)
        now = fields.Datetime.now()
        if unless_planned and at and at > now:
            # a trigger already due is the one running the cron now: the runner removes it
            planned = self.env.execute_query(
                SQL(
                    """
                    SELECT 1 FROM ir_cron_trigger
                     WHERE cron_id = %s AND call_at > %s AND call_at <= %s LIMIT 1
                    """,
                    cron.id,
                    now,
                    at,
                )
            )
            if planned:
                return
        if at is None or at <= now:
            cron.sudo()._trigger()
        else:
            cron.sudo()._trigger(at)
