from odoo import _, api, fields, models
from odoo.exceptions import UserError

# record ids are 32-bit integers
MAX_RECORD_ID = 2**31 - 1


class MarketingAutomationTestRun(models.TransientModel):
    """Run a campaign's workflow for one record, step by step, outside the statistics."""

    _name = "marketing.automation.test.run"
    _description = "Automated Campaign Test Run"

    campaign_id = fields.Many2one("marketing.automation.campaign", required=True)
    model_id = fields.Many2one(related="campaign_id.model_id")
    model_name = fields.Char(related="campaign_id.model_name")
    res_id = fields.Integer(string="Record ID")
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        string="Record",
        compute="_compute_record_ref",
        inverse="_inverse_record_ref",
        readonly=False,
    )

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].sudo().search([])]

    @api.depends("campaign_id", "res_id")
    def _compute_record_ref(self):
        for wizard in self:
            if wizard.campaign_id and wizard.res_id:
                wizard.record_ref = f"{wizard.model_name},{wizard.res_id}"
            elif wizard.campaign_id:
                record = self.env[wizard.model_name].search(
                    wizard.campaign_id._get_target_domain(), limit=1
                )
                wizard.record_ref = f"{wizard.model_name},{record.id}" if record else False
            else:
                wizard.record_ref = False

    def _inverse_record_ref(self):
        for wizard in self:
            record = wizard.record_ref
            if record and not 0 < record.id <= MAX_RECORD_ID:
                raise UserError(
                    _("Choose a record of the campaign's target to test the workflow on.")
                )
            wizard.res_id = record.id if record else 0

    def action_start(self):
        self.ensure_one()
        participant = self._start()
        return {
            "type": "ir.actions.act_window",
            "name": _("Test participant"),
            "res_model": "marketing.automation.participant",
            "res_id": participant.id,
            "view_mode": "form",
            "target": "current",
        }

    def _start(self):
        self.ensure_one()
        record = self.record_ref
        if not record or record._name != self.model_name or not record.exists():
            raise UserError(_("Choose a record of the campaign's target to test the workflow on."))
        if not self.campaign_id.activity_ids:
            raise UserError(_("The campaign has no activity to test."))
        return self.campaign_id._create_participants([record.id], is_test=True)
