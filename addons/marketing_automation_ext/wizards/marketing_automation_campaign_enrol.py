from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class MarketingAutomationCampaignEnrol(models.TransientModel):
    """Add the records selected in a list to a campaign enrolling manually."""

    _name = "marketing.automation.campaign.enrol"
    _description = "Add Records to an Automated Campaign"

    res_model = fields.Char(
        string="Record Model",
        required=True,
        default=lambda self: self.env.context.get("active_model"),
    )
    res_ids = fields.Json(
        string="Records", default=lambda self: self.env.context.get("active_ids") or []
    )
    record_count = fields.Integer(string="Selected Records", compute="_compute_record_count")
    campaign_id = fields.Many2one(
        "marketing.automation.campaign",
        required=True,
        domain="[('state', '=', 'running'), ('enrol_manually', '=', True),"
        " ('model_name', '=', res_model)]",
    )

    @api.depends("res_ids")
    def _compute_record_count(self):
        for wizard in self:
            wizard.record_count = len(wizard._get_res_ids())

    def _get_res_ids(self):
        ids = self.res_ids if isinstance(self.res_ids, list) else []
        return sorted({int(res_id) for res_id in ids if isinstance(res_id, int) and res_id > 0})

    def action_enrol(self):
        """Enrol the selected records that match the campaign's filter and are not in it yet;
        tell how many entered and how many were refused, and why."""
        self.ensure_one()
        campaign = self.campaign_id
        if (
            campaign.state != "running"
            or not campaign.enrol_manually
            or campaign.model_name != self.res_model
        ):
            raise UserError(
                _(
                    "Campaign %(name)s does not take records added by hand: it must be running, "
                    "enrol manually and target these records.",
                    name=campaign.display_name,
                )
            )
        records = self.env[self.res_model].browse(self._get_res_ids()).exists()
        if not records:
            raise UserError(_("Select the records to add to the campaign."))
        # who adds records must see them; the campaign enrols them as its scheduler does
        records.check_access("read")
        campaign = campaign.sudo()
        Model = campaign.env[campaign.model_name]
        domain = expression.AND([[("id", "in", records.ids)], campaign._get_target_domain()])
        matching = list(Model._search(domain))
        entered = campaign.browse()
        if matching:
            candidates = campaign._get_enrol_candidate_ids(res_ids=matching)
            if candidates:
                entered = campaign._create_participants(candidates)
        not_matching = len(records) - len(matching)
        already_in = len(matching) - len(entered)
        message = _(
            "%(entered)s record(s) entered the campaign; refused: %(not_matching)s not matching "
            "its filter, %(already_in)s already in it.",
            entered=len(entered),
            not_matching=not_matching,
            already_in=already_in,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": campaign.display_name,
                "message": message,
                "type": "success" if entered and not (not_matching or already_in) else "warning",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
                "entered": len(entered),
                "not_matching": not_matching,
                "already_in": already_in,
            },
        }
