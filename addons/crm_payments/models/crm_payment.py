from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.marketing_ops.tools.numbers import check_finite_numbers

# Documents a payment can be linked to when their module is installed, with the field that
# dates them (a due date cannot precede it).
DOCUMENT_DATE_FIELDS = {
    "sale.order": "date_order",
    "account.move": "invoice_date",
}


class CrmPayment(models.Model):
    """A collection from a customer or a payment to a supplier, due on a date."""

    _name = "crm.payment"
    _description = "CRM Payment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_due desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["name", "partner_id.complete_name", "lead_id.name"]

    # ---- Fields -----------------------------------------------------------------------------

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: _("New"),
        index="trigram",
    )
    direction = fields.Selection(
        [("collection", "Collection"), ("payment", "Payment")],
        required=True,
        default="collection",
        tracking=True,
        help="Collection: money received from a customer. Payment: money paid to a supplier.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("due", "Due"),
            ("overdue", "Overdue"),
            ("paid", "Paid"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        copy=False,
        tracking=True,
        index=True,
    )
    partner_id = fields.Many2one(
        "res.partner",
        tracking=True,
        index=True,
        check_company=True,
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Commercial Entity",
        store=True,
        index=True,
    )
    contact_id = fields.Many2one(
        "res.partner",
        check_company=True,
        domain="['|', ('id', '=', partner_id), ('parent_id', '=', partner_id)]",
        help="The person to address about this payment.",
    )
    lead_id = fields.Many2one(
        "crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        ondelete="set null",
    )
    document_ref = fields.Reference(
        selection="_selection_document_model",
        string="Related Document",
        help="Sale order or invoice of this payment (when those applications are installed).",
    )
    can_link_document = fields.Boolean(
        compute="_compute_can_link_document", string="Documents Can Be Linked"
    )
    document_name = fields.Char(
        compute="_compute_document_name",
        string="Document",
        help="The related document, or else the opportunity.",
    )
    campaign_id = fields.Many2one(
        "utm.campaign",
        string="UTM Campaign",
        index="btree_not_null",
        ondelete="set null",
        compute="_compute_campaign_id",
        store=True,
        readonly=False,
        precompute=True,
        help="Collected payments count in the actual revenue of the marketing operation that "
        "owns this campaign.",
    )
    operation_id = fields.Many2one(
        "marketing.operation",
        string="Marketing Operation",
        index="btree_not_null",
        check_company=True,
        ondelete="set null",
        help="Choosing an operation sets its UTM campaign.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        default=lambda self: self.env.company.currency_id,
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    amount = fields.Monetary(tracking=True)
    cost = fields.Monetary(help="What collecting or making this payment costs (fees, commission).")
    margin = fields.Monetary(compute="_compute_margin", store=True, help="Amount minus cost.")
    amount_company = fields.Monetary(
        compute="_compute_amount_company",
        store=True,
        currency_field="company_currency_id",
        string="Amount in Company Currency",
        help="Converted at the paid date, or else at the due date.",
    )
    date_due = fields.Date(string="Due Date", tracking=True, index=True)
    date_paid = fields.Date(string="Paid Date", tracking=True, copy=False)
    mode_id = fields.Many2one("crm.payment.mode", string="Payment Mode", check_company=True)
    category_id = fields.Many2one(
        "crm.payment.category", string="Payment Category", check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        index=True,
    )
    description = fields.Text()
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    # ---- Computes ---------------------------------------------------------------------------

    @api.model
    def _selection_document_model(self):
        return [
            (model, self.env[model]._description)
            for model in DOCUMENT_DATE_FIELDS
            if model in self.env
        ]

    def _compute_can_link_document(self):
        self.can_link_document = bool(self._selection_document_model())

    @api.depends("lead_id")
    def _compute_partner_id(self):
        for payment in self:
            if payment.lead_id.partner_id and not payment.partner_id:
                payment.partner_id = payment.lead_id.partner_id

    @api.depends("operation_id", "lead_id")
    def _compute_campaign_id(self):
        for payment in self:
            # the operation may be out of the user's reach (confidential, or no marketing rights)
            if payment.operation_id:
                payment.campaign_id = payment.operation_id.sudo().utm_campaign_id
            elif not payment.campaign_id and payment.lead_id.campaign_id:
                payment.campaign_id = payment.lead_id.campaign_id

    @api.depends("document_ref", "lead_id")
    def _compute_document_name(self):
        for payment in self:
            document = payment.document_ref or payment.lead_id
            payment.document_name = document.sudo().display_name if document else False

    @api.depends("amount", "cost")
    def _compute_margin(self):
        for payment in self:
            payment.margin = payment.amount - payment.cost

    @api.depends("amount", "currency_id", "company_id", "date_paid", "date_due")
    def _compute_amount_company(self):
        today = fields.Date.today()
        for payment in self:
            company_currency = payment.company_id.currency_id
            if not payment.currency_id or payment.currency_id == company_currency:
                payment.amount_company = payment.amount
                continue
            payment.amount_company = payment.currency_id._convert(
                payment.amount,
                company_currency,
                payment.company_id,
                payment.date_paid or payment.date_due or today,
            )

    # ---- Constraints and onchanges ----------------------------------------------------------

    @api.constrains("amount", "cost")
    def _check_amounts(self):
        for payment in self:
            if payment.currency_id.compare_amounts(payment.amount, 0.0) < 0:
                raise ValidationError(
                    _(
                        "Payment %(name)s: the amount cannot be negative (%(amount)s).",
                        name=payment.name,
                        amount=payment.currency_id.format(payment.amount),
                    )
                )
            if payment.currency_id.compare_amounts(payment.cost, 0.0) < 0:
                raise ValidationError(
                    _(
                        "Payment %(name)s: the cost cannot be negative (%(cost)s).",
                        name=payment.name,
                        cost=payment.currency_id.format(payment.cost),
                    )
                )

    @api.constrains("state", "date_paid")
    def _check_date_paid(self):
        today = fields.Date.context_today(self)
        for payment in self:
            if payment.date_paid and payment.date_paid > today:
                raise ValidationError(
                    _(
                        "Payment %(name)s: the paid date %(date)s is in the future.",
                        name=payment.name,
                        date=payment.date_paid,
                    )
                )
            if payment.state == "paid" and not payment.date_paid:
                raise ValidationError(
                    _("Payment %(name)s is paid but has no paid date.", name=payment.name)
                )

    @api.constrains("state", "date_due")
    def _check_date_due_set(self):
        for payment in self:
            if payment.state in ("due", "overdue") and not payment.date_due:
                raise ValidationError(
                    _("Payment %(name)s is due but has no due date.", name=payment.name)
                )

    @api.constrains("date_due", "lead_id", "document_ref")
    def _check_date_due_after_document(self):
        for payment in self.filtered("date_due"):
            for document, document_date in payment._get_document_dates():
                if document_date and payment.date_due < document_date:
                    raise ValidationError(
                        _(
                            "Payment %(name)s: the due date %(due)s is before the date of "
                            "%(document)s (%(date)s).",
                            name=payment.name,
                            due=payment.date_due,
                            document=document.display_name,
                            date=document_date,
                        )
                    )

    @api.constrains("operation_id", "campaign_id")
    def _check_operation_campaign(self):
        for payment in self.sudo().filtered("operation_id"):
            if payment.campaign_id != payment.operation_id.utm_campaign_id:
                raise ValidationError(
                    _(
                        "Payment %(name)s: its UTM campaign must be the one of the marketing "
                        "operation %(operation)s.",
                        name=payment.name,
                        # a confidential operation is named neutrally for who may not see it
                        operation=payment.operation_id.with_env(self.env).display_name,
                    )
                )

    def _get_document_dates(self):
        """(document, date) pairs a due date cannot precede: the opportunity's creation and the
        related sale order or invoice date."""
        self.ensure_one()
        dates = []
        if self.lead_id:
            dates.append((self.lead_id, self.lead_id.create_date.date()))
        document = self.document_ref.sudo() if self.document_ref else None
        if document and document._name in DOCUMENT_DATE_FIELDS:
            value = document[DOCUMENT_DATE_FIELDS[document._name]]
            dates.append((document, fields.Date.to_date(value) if value else False))
        return dates

    @api.onchange("campaign_id")
    def _onchange_campaign_id(self):
        if self.operation_id and self.operation_id.sudo().utm_campaign_id != self.campaign_id:
            self.operation_id = False
        if self.campaign_id and not self.operation_id:
            self.operation_id = self._get_operations_by_campaign(self.campaign_id).get(
                self.campaign_id.id
            )

    # ---- ORM ----------------------------------------------------------------------------------

    @api.model
    def _get_operations_by_campaign(self, campaigns):
        """The operation owning each campaign (an operation owns one campaign, and vice versa)."""
        operations = (
            self.env["marketing.operation"]
            .sudo()
            .with_context(active_test=False)
            .search([("utm_campaign_id", "in", campaigns.ids)])
        )
        return {operation.utm_campaign_id.id: operation.id for operation in operations}

    @api.model_create_multi
    def create(self, vals_list):
        check_finite_numbers(self, vals_list)
        campaigns = self.env["utm.campaign"].browse(
            {vals["campaign_id"] for vals in vals_list if vals.get("campaign_id")}
        )
        operations = self._get_operations_by_campaign(campaigns) if campaigns else {}
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == _("New"):
                vals["name"] = self.env["ir.sequence"].with_company(
                    vals.get("company_id") or self.env.company
                ).next_by_code("crm.payment") or _("New")
            if vals.get("campaign_id") and "operation_id" not in vals:
                vals["operation_id"] = operations.get(vals["campaign_id"], False)
        return super().create(vals_list)

    def write(self, vals):
        check_finite_numbers(self, [vals])
        if "campaign_id" in vals and "operation_id" not in vals:
            # the operation follows its campaign, and goes with it when the campaign is removed
            campaign = self.env["utm.campaign"].browse(vals["campaign_id"] or [])
            vals["operation_id"] = (
                self._get_operations_by_campaign(campaign).get(campaign.id, False)
                if campaign
                else False
            )
        result = super().write(vals)
        if vals.get("state") in ("draft", "due", "paid", "cancelled"):
            self._close_overdue_activities(paid=vals["state"] == "paid")
        if vals.get("date_due") and vals.get("state") != "overdue":
            # an overdue payment given a later due date is due again (and overdue later, once more)
            today = fields.Date.context_today(self)
            self.filtered(lambda p: p.state == "overdue" and p.date_due >= today).write(
                {"state": "due"}
            )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_paid(self):
        paid = self.filtered(lambda p: p.state == "paid")
        if paid:
            raise UserError(
                _(
                    "Payment %(name)s is paid and cannot be deleted: cancel it instead.",
                    name=paid[0].name,
                )
            )

    # ---- Actions ----------------------------------------------------------------------------

    def _check_state_for(self, allowed_states, message):
        """Refuse the action when a payment is not in ``allowed_states``; ``message`` is a
        translated text with the placeholders %(name)s and %(state)s."""
        wrong = self.filtered(lambda p: p.state not in allowed_states)[:1]
        if wrong:
            labels = dict(self._fields["state"]._description_selection(self.env))
            raise UserError(message % {"name": wrong.name, "state": labels[wrong.state]})

    def action_confirm(self):
        """Draft → due (or overdue when its due date has passed already)."""
        self._check_state_for(
            ("draft",), _("Payment %(name)s cannot be confirmed: it is %(state)s.")
        )
        missing = self.filtered(lambda p: not p.date_due)
        if missing:
            raise UserError(
                _("Set a due date on payment %(name)s to confirm it.", name=missing[0].name)
            )
        self.write({"state": "due"})
        self._mark_overdue()
        return True

    def action_mark_paid(self):
        """Due, overdue (or draft) → paid, on today's date unless a paid date is set."""
        self._check_state_for(
            ("draft", "due", "overdue"),
            _("Payment %(name)s cannot be marked as paid: it is %(state)s."),
        )
        today = fields.Date.context_today(self)
        for payment in self:
            payment.write({"state": "paid", "date_paid": payment.date_paid or today})
        return True

    def action_cancel(self):
        self._check_state_for(
            ("draft", "due", "overdue", "paid"),
            _("Payment %(name)s cannot be cancelled: it is %(state)s."),
        )
        self.write({"state": "cancelled", "date_paid": False})
        return True

    def action_reset_to_draft(self):
        self._check_state_for(
            ("cancelled",), _("Payment %(name)s cannot be reset to draft: it is %(state)s.")
        )
        self.write({"state": "draft"})
        return True

    # ---- Overdue follow-up ------------------------------------------------------------------

    @api.model
    def _get_overdue_domain(self):
        return [
            ("state", "=", "due"),
            ("date_due", "<", fields.Date.context_today(self)),
        ]

    def _mark_overdue(self):
        """Move the due payments of ``self`` past their date to overdue, once: schedule an
        activity for their responsible and send the reminder when the company asks for it."""
        overdue = self.filtered_domain(self._get_overdue_domain())
        if not overdue:
            return overdue
        overdue.write({"state": "overdue"})
        overdue._schedule_overdue_activity()
        overdue._send_overdue_reminder()
        return overdue

    def _schedule_overdue_activity(self):
        """One to-do per payment for its responsible, created in one batch."""
        if self.env.context.get("mail_activity_automation_skip"):
            return self.env["mail.activity"]
        today = fields.Date.context_today(self)
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        activity_type = activity_type or self._default_activity_type()
        model_id = self.env["ir.model"]._get_id(self._name)
        return self.env["mail.activity"].create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "automated": True,
                    "res_model_id": model_id,
                    "res_id": payment.id,
                    "date_deadline": today,
                    "user_id": (payment.user_id or self.env.user).id,
                    "summary": _("Overdue payment %(name)s", name=payment.name),
                    "note": _(
                        "Payment %(name)s of %(partner)s was due on %(date)s.",
                        name=payment.name,
                        partner=payment.partner_id.display_name or "-",
                        date=payment.date_due,
                    ),
                }
                for payment in self
            ]
        )

    def _close_overdue_activities(self, paid=False):
        """The overdue to-do of a payment no longer overdue is done when it is paid, and
        withdrawn otherwise (cancelled, or given a later due date)."""
        activity_type = self.env.ref("mail.mail_activity_data_todo", raise_if_not_found=False)
        if not activity_type or not self.ids:
            return
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("automated", "=", True),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        if paid:
            activities.action_feedback(feedback=_("The payment was collected."))
        else:
            activities.unlink()

    def _send_overdue_reminder(self):
        by_company = defaultdict(lambda: self.browse())
        for payment in self.filtered(lambda p: p.direction == "collection" and p.partner_id):
            by_company[payment.company_id] |= payment
        for company, payments in by_company.items():
            template = company.crm_payment_reminder_template_id or self.env.ref(
                "crm_payments.crm_payment_mail_template_overdue", raise_if_not_found=False
            )
            if company.crm_payment_reminder and template:
                payments.message_post_with_source(
                    template, message_type="comment", subtype_xmlid="mail.mt_comment"
                )

    @api.model
    def _cron_mark_overdue(self, batch_size=200):
        """Daily: due payments past their date become overdue, a bounded batch per call. The
        reported progress makes the scheduler call again at once while some remain."""
        domain = self._get_overdue_domain()
        payments = self.search(domain, limit=batch_size, order="date_due, id")
        payments._mark_overdue()
        remaining = self.search_count(domain) if len(payments) == batch_size else 0
        self.env["ir.cron"]._notify_progress(done=len(payments), remaining=remaining)
        return payments
