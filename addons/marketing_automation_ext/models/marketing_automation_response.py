"""The response of a participant to a campaign and the lead made of it."""

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

RESPONSE_KINDS = [
    ("reply", "Reply"),
    ("bounce", "Bounce"),
    ("click", "Click"),
    ("imported", "Imported"),
]


class MarketingAutomationResponse(models.Model):
    """A reaction of a participant to a campaign: a reply received by the mail gateway, a
    bounce, a click, or a response imported from a file. One per campaign message and kind
    (a second click or reply to the same message adds nothing)."""

    _name = "marketing.automation.response"
    _inherit = ["marketing.automation.restricted.mixin"]
    _description = "Automated Campaign Response"
    _order = "date desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "email", "campaign_id"]

    participant_id = fields.Many2one(
        "marketing.automation.participant",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    campaign_id = fields.Many2one(
        "marketing.automation.campaign",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True, index=True)
    activity_id = fields.Many2one(
        "marketing.automation.activity", ondelete="set null", index="btree_not_null"
    )
    trace_id = fields.Many2one(
        "marketing.automation.trace",
        string="Campaign Trace",
        ondelete="set null",
        index="btree_not_null",
        readonly=True,
    )
    mailing_trace_id = fields.Many2one("mailing.trace", ondelete="set null", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", index="btree_not_null")
    kind = fields.Selection(RESPONSE_KINDS, required=True, index=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    body = fields.Html(string="Text", sanitize_style=True)
    email = fields.Char(help="The address the response came from, when known.")
    is_test = fields.Boolean(related="participant_id.is_test", store=True, string="Test")
    res_model = fields.Char(related="participant_id.res_model", string="Record Model")
    record_name = fields.Char(related="participant_id.record_name", string="Record")
    lead_id = fields.Many2one("crm.lead", ondelete="set null", readonly=True)
    import_key = fields.Char(
        readonly=True,
        copy=False,
        help="Fingerprint of an imported response (date and text): the same file imported "
        "twice adds nothing.",
    )

    _sql_constraints = [
        (
            "trace_kind_uniq",
            "UNIQUE(trace_id, kind)",
            "A campaign message counts one response of each kind.",
        ),
        (
            "participant_import_uniq",
            "UNIQUE(participant_id, import_key)",
            "This response was already imported for this participant.",
        ),
    ]

    def _get_restricted_name_depends(self):
        return ["kind", "partner_id", "record_name"]

    def _compute_readable_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for response in self:
            who = response.partner_id.display_name or response.record_name or ""
            response.display_name = f"{kinds.get(response.kind, '')}: {who}".strip(": ")

    # ------------------------------------------------------------------ ACTIONS

    def _get_lead_values(self):
        """Values of the lead created from this response: its contact or address, its text,
        and the UTM campaign, source and medium of the campaign's message."""
        self.ensure_one()
        campaign = self.campaign_id
        partner = self.partner_id
        mailing = self.activity_id.mailing_id.sudo()
        values = {
            "name": _(
                "%(campaign)s: %(who)s",
                campaign=campaign.name,
                who=partner.display_name or self.email or self.record_name,
            ),
            "type": "lead",
            "partner_id": partner.id,
            "email_from": partner.email or self.email,
            "description": self.body if not is_html_empty(self.body) else False,
            "campaign_id": campaign.utm_campaign_id.id,
            "company_id": campaign.company_id.id,
            "user_id": self.env.user.id,
        }
        if mailing.source_id:
            values["source_id"] = mailing.source_id.id
        if mailing.medium_id:
            values["medium_id"] = mailing.medium_id.id
        return values

    def action_create_lead(self):
        """Create a lead from this response (once) and open it."""
        self.ensure_one()
        if not self.lead_id:
            lead = self.env["crm.lead"].create(self._get_lead_values())
            self.lead_id = lead
            lead._message_log(
                body=Markup("<p>%s</p>")
                % _(
                    "Created from a response to campaign %(campaign)s.",
                    campaign=self.campaign_id.name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.lead",
            "res_id": self.lead_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def action_schedule_activity(self):
        """Open the host's activity dialog on the lead of this response, or on its contact."""
        self.ensure_one()
        record = self.lead_id or self.partner_id
        if not record:
            raise UserError(
                _(
                    "This response has no contact: create a lead from it first, then schedule "
                    "the activity on the lead."
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": _("Schedule Activity"),
            "res_model": "mail.activity.schedule",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "active_model": record._name,
                "active_ids": record.ids,
                "active_id": record.id,
                "default_summary": _(
                    "Follow up on a response to %(campaign)s", campaign=self.campaign_id.name
                ),
                "default_note": self.body or False,
            },
        }

    def action_open_participant(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "marketing.automation.participant",
            "res_id": self.participant_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------ BUSINESS

    @api.model
    def _get_partners_of(self, participants):
        """{participant id: partner} of the records behind ``participants``: the contact
        itself, or the record's ``partner_id``; a few queries per target model."""
        result = {}
        by_model = {}
        for participant in participants:
            by_model.setdefault(participant.res_model, []).append(participant)
        for model, members in by_model.items():
            if model not in self.env:
                continue
            Model = self.env[model].sudo().with_context(active_test=False)
            records = Model.browse([p.res_id for p in members]).exists()
            if model == "res.partner":
                partners = {record.id: record for record in records}
            elif "partner_id" in Model._fields and Model._fields["partner_id"].comodel_name == (
                "res.partner"
            ):
                partners = {record.id: record.partner_id for record in records}
            else:
                continue
            for participant in members:
                partner = partners.get(participant.res_id)
                if partner:
                    result[participant.id] = partner.with_env(self.env)
        return result
