"""The participant: a record of the target in a campaign, its state, its traces and its
responses."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class MarketingAutomationParticipant(models.Model):
    _name = "marketing.automation.participant"
    _inherit = ["marketing.automation.restricted.mixin"]
    _description = "Automated Campaign Participant"
    _order = "id desc"
    _rec_name = "record_name"

    campaign_id = fields.Many2one(
        "marketing.automation.campaign", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    res_model = fields.Char(string="Record Model", required=True, index=True)
    res_id = fields.Many2oneReference(
        string="Record ID", model_field="res_model", required=True, index=True
    )
    record_name = fields.Char(string="Record", compute="_compute_record_name")
    state = fields.Selection(
        [("running", "Running"), ("completed", "Completed"), ("removed", "Removed")],
        default="running",
        required=True,
        index=True,
    )
    enrol_date = fields.Datetime(
        string="Enrolment Date", default=fields.Datetime.now, required=True
    )
    is_test = fields.Boolean(string="Test", index=True)
    removal_reason = fields.Text(readonly=True, help="Why the participant left the campaign.")
    unique_value = fields.Char(help="Value of the campaign's unique field when enrolled.")
    trace_ids = fields.One2many("marketing.automation.trace", "participant_id")
    trace_count = fields.Integer(compute="_compute_trace_count")
    response_ids = fields.One2many("marketing.automation.response", "participant_id")
    response_count = fields.Integer(string="Responses", compute="_compute_response_count")

    def init(self):
        # one running real participant per record and campaign (a record that left or
        # completed may enter again where the campaign allows it); test participants are free
        self.env.cr.execute(
            """
            DROP INDEX IF EXISTS marketing_automation_participant_record_uniq;
            CREATE UNIQUE INDEX IF NOT EXISTS marketing_automation_participant_running_uniq
                ON marketing_automation_participant (campaign_id, res_id)
             WHERE is_test IS NOT TRUE AND state = 'running'
            """
        )

    def _get_restricted_name_depends(self):
        return ["record_name"]

    @api.depends("res_model", "res_id")
    def _compute_record_name(self):
        by_model = {}
        for participant in self:
            by_model.setdefault(participant.res_model, []).append(participant.res_id)
        names = {}
        for model, ids in by_model.items():
            if not model or model not in self.env:
                continue
            records = self.env[model].browse(ids).exists()
            names.update({(model, r.id): r.display_name for r in records})
        for participant in self:
            participant.record_name = names.get(
                (participant.res_model, participant.res_id),
                _("Deleted record (%(id)s)", id=participant.res_id),
            )

    def _compute_trace_count(self):
        data = self.env["marketing.automation.trace"]._read_group(
            [("participant_id", "in", self.ids)], ["participant_id"], ["__count"]
        )
        counts = {participant.id: count for participant, count in data}
        for participant in self:
            participant.trace_count = counts.get(participant.id, 0)

    def _compute_response_count(self):
        data = self.env["marketing.automation.response"]._read_group(
            [("participant_id", "in", self.ids)], ["participant_id"], ["__count"]
        )
        counts = {participant.id: count for participant, count in data}
        for participant in self:
            participant.response_count = counts.get(participant.id, 0)

    def action_remove(self):
        self._remove(_("Removed by %(user)s.", user=self.env.user.name))
        return True

    def _remove(self, reason):
        """Take these participants out of their campaign for ``reason``: state removed, their
        scheduled traces canceled."""
        self.write({"state": "removed", "removal_reason": reason})
        self.env["marketing.automation.trace"].search(
            [("participant_id", "in", self.ids), ("state", "=", "scheduled")]
        ).write({"state": "canceled", "state_msg": _("The participant was removed.")})

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "target": "current",
        }

    def action_run_next_test_step(self):
        """Test run: execute the next scheduled trace now, whatever its date."""
        self.ensure_one()
        if not self.is_test:
            raise UserError(_("Only test participants can be run step by step."))
        trace = self.trace_ids.filtered(lambda t: t.state == "scheduled").sorted(
            lambda t: (t.schedule_date, t.id)
        )[:1]
        if not trace:
            raise UserError(_("This test participant has no step left to run."))
        # a test step runs as the cron runs it; who may edit the campaign may test it
        self.campaign_id.check_access("write")
        trace.sudo()._execute()
        return True

    def _check_completed(self):
        """Participants without scheduled traces left are completed (one statement)."""
        running = self.filtered(lambda p: p.state == "running")
        if not running:
            return
        self.env["marketing.automation.trace"].flush_model(["state", "participant_id"])
        running.flush_recordset(["state"])
        now = fields.Datetime.now()
        self.env.execute_query(
            SQL(
                """
                UPDATE marketing_automation_participant p
                   SET state = 'completed', write_date = %s, write_uid = %s
                 WHERE p.id = ANY(%s) AND p.state = 'running'
                   AND p.id NOT IN (SELECT t.participant_id FROM marketing_automation_trace t
                                     WHERE t.participant_id = ANY(%s) AND t.state = 'scheduled')
                """,
                now,
                self.env.uid,
                running.ids,
                running.ids,
            )
        )
        running.invalidate_recordset(["state", "write_date", "write_uid"])

    def action_view_responses(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_automation_ext.marketing_automation_response_action"
        )
        action["domain"] = [("participant_id", "=", self.id)]
        action["context"] = {"default_participant_id": self.id}
        return action
