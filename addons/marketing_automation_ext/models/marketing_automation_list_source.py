from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL

from ..tools.filter_domain import FilterDomainError, parse_filter_domain

# models a marketing list can be filled from, in the order they are offered; a model that is
# not installed (project) is left out at run time, never a dependency
SOURCE_MODELS = ("res.partner", "crm.lead", "project.project")


class MarketingAutomationListSource(models.Model):
    """One filter that fills a marketing list (a host ``mailing.list``) with the partners or
    addresses of the records it matches."""

    _name = "marketing.automation.list.source"
    _description = "Marketing List Source"
    _order = "sequence, id"
    _rec_name = "model_id"

    list_id = fields.Many2one(
        "mailing.list", string="Mailing List", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(default=10)
    model_id = fields.Many2one(
        "ir.model",
        string="Records",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env["ir.model"]._get("res.partner"),
        domain=lambda self: [("model", "in", self._get_source_model_names())],
        help="Contacts and companies give their own address; leads and opportunities their "
        "customer's, or else the address typed on them; projects their customer's.",
    )
    model_name = fields.Char(related="model_id.model", string="Model")
    partner_kind = fields.Selection(
        [("all", "Contacts and companies"), ("person", "Contacts"), ("company", "Companies")],
        string="Partners",
        default="all",
        required=True,
    )
    domain = fields.Char(string="Filter", default="[]", required=True)
    record_count = fields.Integer(string="Matching Records", compute="_compute_record_count")
    last_record_count = fields.Integer(string="Records at Last Refresh", readonly=True, copy=False)
    last_no_email_count = fields.Integer(
        string="Without Email at Last Refresh",
        readonly=True,
        copy=False,
        help="Records the last refresh matched that have no valid email address.",
    )

    # ------------------------------------------------------------------ COMPUTES

    @api.depends("model_name", "domain", "partner_kind")
    def _compute_record_count(self):
        for source in self:
            try:
                source.record_count = source._get_records_model().search_count(
                    source._get_records_domain()
                )
            except (UserError, ValueError):
                source.record_count = 0

    @api.depends("model_id", "partner_kind")
    def _compute_display_name(self):
        kinds = dict(self._fields["partner_kind"]._description_selection(self.env))
        for source in self:
            name = source.model_id.name or ""
            if source.model_name == "res.partner":
                name = kinds.get(source.partner_kind) or name
            source.display_name = name

    # ------------------------------------------------------------------ CONSTRAINTS

    @api.constrains("model_id", "domain")
    def _check_domain(self):
        for source in self:
            source._get_filter_domain(check_model=True)

    # ------------------------------------------------------------------ BUSINESS

    @api.model
    def _get_source_model_names(self):
        """The models lists can be filled from in this database."""
        return [name for name in SOURCE_MODELS if name in self.env]

    def _get_records_model(self):
        self.ensure_one()
        if self.model_name not in self._get_source_model_names():
            raise ValidationError(
                _(
                    "Lists cannot be filled from %(model)s (choose contacts, companies, leads "
                    "or projects).",
                    model=self.model_id.name or self.model_name or "?",
                )
            )
        return self.env[self.model_name]

    def _get_filter_domain(self, check_model=False):
        """The filter as a domain; a readable error when it is malformed (with
        ``check_model``, also when it cannot be searched on the source's records)."""
        self.ensure_one()
        model = self._get_records_model() if check_model else None
        try:
            return parse_filter_domain(self.env, self.domain, model)
        except FilterDomainError as error:
            raise ValidationError(
                _(
                    "The filter on %(model)s of list %(list)s is not valid: %(reason)s",
                    model=self.model_id.name,
                    list=self.list_id.name,
                    reason=str(error),
                )
            ) from error

    def _get_records_domain(self):
        """The filter with what the source adds to it (contacts or companies)."""
        self.ensure_one()
        domain = self._get_filter_domain()
        if self.model_name == "res.partner" and self.partner_kind != "all":
            is_company = self.partner_kind == "company"
            domain = expression.AND([domain, [("is_company", "=", is_company)]])
        return domain

    def _read_recipients(self):
        """Rows ``(record id, email, name, company name)`` of the records the source matches,
        in one query whatever their number, with the rights of the current user (the
        records they may not read stay out). The email is as typed: the caller normalises."""
        self.ensure_one()
        Model = self._get_records_model()
        query = Model._search(self._get_records_domain())
        reader = getattr(self, "_read_recipients_" + self.model_name.replace(".", "_"))
        return reader(Model, query)

    def _read_recipients_res_partner(self, Partner, query):
        Partner.flush_model(["email", "name", "commercial_company_name", "is_company"])
        return self.env.execute_query(
            SQL(
                """SELECT partner.id, partner.email, partner.name,
                          CASE WHEN partner.is_company THEN NULL
                               ELSE partner.commercial_company_name END
                     FROM res_partner partner
                    WHERE partner.id IN %s
                 ORDER BY partner.id""",
                query.subselect(),
            )
        )

    def _read_recipients_crm_lead(self, Lead, query):
        """A lead's customer gives their address; a lead without customer (or whose
        customer has none) gives the address typed on it and its contact's name."""
        Lead.flush_model(["partner_id", "email_from", "contact_name", "partner_name"])
        self.env["res.partner"].flush_model(["email", "name", "commercial_company_name"])
        return self.env.execute_query(
            SQL(
                """SELECT lead.id,
                          COALESCE(NULLIF(TRIM(partner.email), ''), lead.email_from),
                          CASE WHEN NULLIF(TRIM(partner.email), '') IS NOT NULL
                               THEN partner.name
                               ELSE COALESCE(NULLIF(lead.contact_name, ''), partner.name) END,
                          COALESCE(NULLIF(lead.partner_name, ''),
                                   partner.commercial_company_name)
                     FROM crm_lead lead
                LEFT JOIN res_partner partner ON partner.id = lead.partner_id
                    WHERE lead.id IN %s
                 ORDER BY lead.id""",
                query.subselect(),
            )
        )

    def _read_recipients_project_project(self, Project, query):
        Project.flush_model(["partner_id"])
        self.env["res.partner"].flush_model(["email", "name", "commercial_company_name"])
        return self.env.execute_query(
            SQL(
                """SELECT project.id, partner.email, partner.name,
                          partner.commercial_company_name
                     FROM project_project project
                LEFT JOIN res_partner partner ON partner.id = project.partner_id
                    WHERE project.id IN %s
                 ORDER BY project.id""",
                query.subselect(),
            )
        )
