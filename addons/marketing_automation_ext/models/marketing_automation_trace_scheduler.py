from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import SQL

DEFAULT_BATCH_SIZE = 2000


class MarketingAutomationTraceScheduler(models.Model):
    """The execute cron: claims due traces in bounded batches and sleeps until the next one."""

    _inherit = "marketing.automation.trace"

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
