"""The background launch of a step: its queued targets and the cron launching them."""

from odoo import _, api, fields, models
from odoo.tools import SQL

# kinds whose launch sends messages, and runs in the background above the company's threshold
BACKGROUND_KINDS = ("emailing", "faxing")
LAUNCH_BATCH_SIZE = 200


class MarketingOperationStep(models.Model):
    """Large launches run in the background: their targets are queued, and a cron launches them
    in bounded batches; a failing batch is rolled back and its targets say why."""

    _inherit = "marketing.operation.step"

    launch_user_id = fields.Many2one("res.users", string="Launched By", copy=False, readonly=True)
    launch_queued_count = fields.Integer(
        compute="_compute_launch_progress", string="Queued for Launch"
    )
    launch_error_count = fields.Integer(
        compute="_compute_launch_progress", string="Failed Launches"
    )

    @api.depends("target_ids.launch_queued", "target_ids.launch_error")
    def _compute_launch_progress(self):
        Target = self.env["marketing.operation.target"]
        queued = dict(
            Target._read_group(
                [("step_id", "in", self.ids), ("launch_queued", "=", True)],
                ["step_id"],
                ["__count"],
            )
        )
        failed = dict(
            Target._read_group(
                [("step_id", "in", self.ids), ("launch_error", "!=", False)],
                ["step_id"],
                ["__count"],
            )
        )
        for step in self:
            step.launch_queued_count = queued.get(step._origin, 0)
            step.launch_error_count = failed.get(step._origin, 0)

    # ---- Launch -------------------------------------------------------------------------------------

    def _launch_in_background(self, targets):
        """Whether ``_launch_targets`` queues ``targets`` rather than launching them now."""
        return (
            self.is_final
            and self.kind in BACKGROUND_KINDS
            and not self.env.context.get("marketing_launch_now")
            and len(targets) > self.company_id.marketing_launch_background_threshold > 0
        )

    def _queue_launch(self, targets):
        """Queue ``targets`` for the background launch; nothing is launched now."""
        targets = targets.filtered(lambda t: not t.launch_queued)
        targets.write({"launch_queued": True, "launch_error": False})
        self.launch_user_id = self.env.user
        self.last_launch_summary = _(
            "%(count)s targets queued: they are launched in the background.", count=len(targets)
        )
        self.env.ref("marketing_ops.ir_cron_marketing_operation_step_launch").sudo()._trigger()
        return targets.browse()

    @api.model
    def _cron_launch_queued(self, batch_size=LAUNCH_BATCH_SIZE):
        """Launch one bounded batch of queued targets, step by step, each step's part in a
        savepoint: a failing part is rolled back and recorded on its targets. The scheduler runs
        the job again while ``_notify_progress`` reports targets remaining (and commits between
        runs)."""
        Target = self.env["marketing.operation.target"]
        Target.flush_model(["launch_queued"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM marketing_operation_target WHERE launch_queued "
                "ORDER BY step_id, id LIMIT %s FOR UPDATE SKIP LOCKED",
                batch_size,
            )
        )
        targets = Target.browse([row[0] for row in self.env.cr.fetchall()])
        for step, batch in targets.grouped("step_id").items():
            step._launch_queued_batch(batch)
        remaining = Target.search_count([("launch_queued", "=", True)])
        self.env["ir.cron"]._notify_progress(done=len(targets), remaining=remaining)
        return len(targets)

    def _launch_queued_batch(self, targets):
        self.ensure_one()
        todo = targets.filtered(lambda t: t.state_id.kind == "todo")
        step = self.with_user(self.launch_user_id or self.env.user).with_context(
            marketing_launch_now=True
        )
        try:
            with self.env.cr.savepoint():
                step._launch_targets(step.env["marketing.operation.target"].browse(todo.ids))
        except Exception as error:  # any failure of the batch is recorded on its targets
            self.env.invalidate_all(flush=False)
            targets.write({"launch_queued": False, "launch_error": str(error)})
            return False
        targets.write({"launch_queued": False, "launch_error": False})
        return True
