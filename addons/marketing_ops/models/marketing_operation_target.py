"""A targeted partner of a step (``marketing.operation.target``): its status and its response,
the moves its status changes start, the map of targets and the mass actions on a step's list."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .operation.marketing_operation import OPERATION_ACCESS_FIELDS
from .step.document import DOCX_MIMETYPE
from .step.export import XLSX_MIMETYPE

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_URL_PARAM = "marketing_ops.map_tile_url"
# the colour of a status's colour index, as the host's colour picker shows it
STATUS_COLORS = [
    "#6c757d",
    "#f06050",
    "#f4a460",
    "#f7cd1f",
    "#6cc1ed",
    "#814968",
    "#eb7e7f",
    "#2c8397",
    "#475577",
    "#d6145f",
    "#30c381",
    "#9365b8",
]


class MarketingOperationTarget(models.Model):
    """One targeted partner (company or individual) in one step, with its targeted contacts.

    Targets move on through the transitions without conditions of their step as soon as they
    reach a status of kind "ok": by a launch, a status set by hand or a call (see
    ``_on_state_changed``).
    """

    _name = "marketing.operation.target"
    _description = "Marketing Operation Target"
    _order = "step_id, partner_name, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    _inherit = ["marketing.confidential.mixin"]

    step_id = fields.Many2one(
        "marketing.operation.step",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("is_final", "=", True)],
        check_company=True,
    )
    operation_id = fields.Many2one(related="step_id.operation_id", store=True, index=True)
    company_id = fields.Many2one(related="step_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    partner_name = fields.Char(related="partner_id.name", store=True, string="Name")
    partner_ref = fields.Char(related="partner_id.ref", store=True, string="Reference")
    partner_is_company = fields.Boolean(
        related="partner_id.is_company", store=True, string="Is a Company"
    )
    partner_email = fields.Char(related="partner_id.email", store=True, string="Email")
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_city = fields.Char(related="partner_id.city", store=True, string="City")
    partner_country_id = fields.Many2one(
        related="partner_id.country_id", store=True, string="Country"
    )
    contact_ids = fields.One2many(
        "marketing.operation.target.contact", "target_id", string="Contacts"
    )
    contact_count = fields.Integer(compute="_compute_contact_count", string="# Contacts")
    state_id = fields.Many2one(
        "marketing.target.state",
        string="Status",
        required=True,
        index=True,
        default=lambda self: self.env["marketing.target.state"]._get_by_kind("todo"),
        group_expand="_read_group_state_ids",
    )
    state_kind = fields.Selection(related="state_id.kind", string="Status Kind")
    counter = fields.Integer(
        help="How many times the questionnaire was opened for this partner while it was still to process.",
        copy=False,
    )
    callback_date = fields.Datetime(string="Call Back On")
    user_input_id = fields.Many2one("survey.user_input", string="Questionnaire Answer", copy=False)
    event_id = fields.Many2one(
        "calendar.event", string="Last Event", copy=False, index="btree_not_null"
    )
    message_id = fields.Many2one(
        "mail.message", string="Last Message", copy=False, index="btree_not_null"
    )
    notes = fields.Text()
    launch_queued = fields.Boolean(
        index=True,
        copy=False,
        readonly=True,
        help="Waiting for the background launch of its step.",
    )
    launch_error = fields.Text(
        copy=False, readonly=True, help="Why the background launch of this target failed."
    )
    response_date = fields.Datetime(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the target came to a status that counts as a response; empty while its "
        "status does not count as one.",
    )

    _sql_constraints = [
        (
            "step_partner_uniq",
            "unique(step_id, partner_id)",
            "This partner is already targeted in this step.",
        ),
    ]

    @api.model
    def _read_group_state_ids(self, states, domain):
        return states.search([])

    def _get_neutral_name_depends(self):
        return [f"operation_id.{name}" for name in OPERATION_ACCESS_FIELDS]

    def _get_confidential_records(self):
        return self.filtered("operation_id.is_hidden")

    def _get_neutral_name(self):
        return _("Confidential target")

    @api.depends("contact_ids")
    def _compute_contact_count(self):
        counts = dict(
            self.env["marketing.operation.target.contact"]._read_group(
                [("target_id", "in", self.ids)], ["target_id"], ["__count"]
            )
        )
        for target in self:
            target.contact_count = counts.get(target._origin, 0)

    # ---- CRUD -------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            if "response_date" not in vals and self._is_response_state(vals.get("state_id")):
                vals["response_date"] = now
        targets = super().create(vals_list)
        targets._on_state_changed()
        return targets

    def write(self, vals):
        """Write ``vals``; a new status also sets or clears the response date and moves the
        targets on (``_on_state_changed``, then ``_on_response_reached``)."""
        if "step_id" in vals and any(target.step_id.id != vals["step_id"] for target in self):
            raise UserError(_("A target cannot move to another step: add it to that step instead."))
        new_responses = self.browse()
        if "state_id" in vals and "response_date" not in vals:
            if self._is_response_state(vals["state_id"]):
                # a target moved from one response status to another keeps the day it responded
                new_responses = self.filtered(lambda target: not target.response_date)
            else:
                vals = {**vals, "response_date": False}
        res = super().write(vals)
        if vals.get("state_id"):
            self._on_state_changed()
        if new_responses:
            new_responses._on_response_reached()
        return res

    def _on_state_changed(self):
        """These targets were created or took a new status: those of kind "ok" move on at once
        through the transitions without conditions of their step (the distribution)."""
        self.step_id._progress_targets(self)

    def _on_response_reached(self):
        """These targets, that had not responded, took a status that counts as a response."""
        # past ``write``: the date alone changes no status and starts nothing
        return super().write({"response_date": fields.Datetime.now()})

    def _is_response_state(self, state_id):
        return bool(state_id) and self.env["marketing.target.state"].browse(state_id).is_response

    # ---- Actions ----------------------------------------------------------------------------------

    def action_launch(self):
        """Launch the step for these partners and all their contacts."""
        for step, targets in self.grouped("step_id").items():
            step._launch_targets(targets)
        return self.step_id._after_launch() if len(self.step_id) == 1 else True

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "view_mode": "form",
        }

    def action_print_labels(self):
        return self._print_addresses("label")

    def action_print_envelopes(self):
        return self._print_addresses("envelope")

    def action_export_list(self):
        step, targets = self._get_whole_list()
        content = step._render_export_xlsx(targets)
        name = _("%(step)s.xlsx", step=step.name).replace("/", "-")
        return self._attach_and_download(step, name, content, XLSX_MIMETYPE)

    def action_merge_letter(self):
        step, targets = self._get_whole_list()
        content = step._render_document_merge(targets)
        return self._attach_and_download(
            step, step._get_document_name(_("merged")), content, DOCX_MIMETYPE
        )

    # ---- Business methods -------------------------------------------------------------------------

    def _search_ids(self, domain):
        """The set of the ids of the targets matching ``domain``, unordered, in one query
        (record rules apply unless in sudo)."""
        query = self._search(domain)
        return {row[0] for row in self.env.execute_query(query.select())}

    def _get_whole_list(self):
        """The step of these targets and all its targets: mass actions apply to the whole
        list of the step, whichever targets are selected."""
        step = self.step_id
        if len(step) != 1:
            raise UserError(_("Select targets of one step: its whole list is printed or exported."))
        return step, self.search([("step_id", "=", step.id)])

    def _attach_and_download(self, step, name, content, mimetype):
        return step._get_download_action(step._attach_output(name, content, mimetype))

    def _print_addresses(self, format_type):
        step, targets = self._get_whole_list()
        label_format = step.label_format_id
        if label_format.format_type != format_type:
            label_format = self.env["marketing.label.format"].search(
                [("format_type", "=", format_type)], limit=1
            )
        if not label_format:
            raise UserError(_("No label format of this type is configured."))
        content = step._render_labels_pdf(targets, label_format)
        name = (
            _("%(step)s - labels.pdf", step=step.name)
            if format_type == "label"
            else _("%(step)s - envelopes.pdf", step=step.name)
        )
        return self._attach_and_download(step, name.replace("/", "-"), content, "application/pdf")

    @api.model
    def get_map_data(self, domain):
        """What the map of targets shows: one marker per geolocated partner of the targets of
        ``domain`` (with the status of its latest target), and the partners without
        coordinates."""
        targets = self.search(domain, order="id desc")
        markers, missing, seen = [], [], set()
        for target in targets:
            partner = target.partner_id
            if partner.id in seen:
                continue
            seen.add(partner.id)
            if not (partner.partner_latitude or partner.partner_longitude):
                missing.append({"id": partner.id, "name": partner.display_name})
                continue
            markers.append(
                {
                    "id": partner.id,
                    "name": partner.display_name,
                    "city": partner.city or "",
                    "lat": partner.partner_latitude,
                    "lng": partner.partner_longitude,
                    "status": target.state_id.name,
                    "color": STATUS_COLORS[(target.state_id.color or 0) % len(STATUS_COLORS)],
                }
            )
        tile_url = self.env["ir.config_parameter"].sudo().get_param(TILE_URL_PARAM)
        return {
            "tile_url": DEFAULT_TILE_URL if tile_url is False else tile_url,
            "attribution": _("© OpenStreetMap contributors"),
            "markers": markers,
            "missing": sorted(missing, key=lambda partner: partner["name"]),
        }
