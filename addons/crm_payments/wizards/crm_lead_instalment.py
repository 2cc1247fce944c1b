import math

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError

# bounds of what a plan may ask: 30 years of monthly instalments, steps of up to 100 years
MAX_INSTALMENTS = 360
MAX_INTERVAL = {"days": 36500, "months": 1200}
# a float counts exactly up to 2**53 units of the currency's rounding (cents)
EXACT_UNITS = 2**53


class CrmLeadInstalment(models.TransientModel):
    """Plan the collection of an opportunity in N instalments."""

    _name = "crm.lead.instalment"
    _description = "Opportunity Instalments"

    lead_id = fields.Many2one("crm.lead", string="Opportunity", required=True, readonly=True)
    company_id = fields.Many2one(related="lead_id.company_id")
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        precompute=True,
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    amount = fields.Monetary(
        string="Total Amount",
        compute="_compute_from_lead",
        store=True,
        readonly=False,
        precompute=True,
    )
    count = fields.Integer(string="Number of Instalments", default=3, required=True)
    split = fields.Selection(
        [("equal", "Equal amounts"), ("given", "Given amounts")],
        string="Amounts",
        default="equal",
        required=True,
        help="Equal: the total is split evenly, the last instalment absorbs the rounding. "
        "Given: type the amount of each instalment; they must add up to the total.",
    )
    interval = fields.Integer(string="Every", default=1, required=True)
    interval_unit = fields.Selection(
        [("days", "Days"), ("months", "Months")], string="Unit", default="months", required=True
    )
    date_first = fields.Date(
        string="First Due Date", required=True, default=fields.Date.context_today
    )
    mode_id = fields.Many2one("crm.payment.mode", string="Payment Mode")
    category_id = fields.Many2one("crm.payment.category", string="Payment Category")
    line_ids = fields.One2many(
        "crm.lead.instalment.line",
        "instalment_id",
        string="Instalments",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        precompute=True,
    )
    line_total = fields.Monetary(compute="_compute_line_total", string="Sum of Instalments")

    @api.depends("lead_id")
    def _compute_from_lead(self):
        for wizard in self:
            lead = wizard.lead_id
            wizard.partner_id = lead.partner_id
            wizard.currency_id = lead.company_currency or self.env.company.currency_id
            wizard.amount = lead.expected_revenue

    @api.depends(
        "amount", "count", "split", "interval", "interval_unit", "date_first", "currency_id"
    )
    def _compute_line_ids(self):
        for wizard in self:
            schedule = None if wizard._get_plan_errors() else wizard._get_safe_schedule()
            if not schedule:
                wizard.line_ids = [Command.clear()]
                continue
            given = wizard.line_ids.sorted("sequence").mapped("amount")
            commands = [Command.clear()]
            for index, (date_due, amount) in enumerate(schedule):
                if wizard.split == "given":
                    amount = given[index] if index < len(given) else 0.0
                commands.append(
                    Command.create({"sequence": index + 1, "date_due": date_due, "amount": amount})
                )
            wizard.line_ids = commands

    @api.depends("line_ids.amount")
    def _compute_line_total(self):
        for wizard in self:
            wizard.line_total = sum(wizard.line_ids.mapped("amount"))

    @api.model
    def _get_schedule(self, amount, count, date_first, interval, unit, currency):
        """[(due date, amount)] of ``count`` instalments of ``amount`` in ``currency``: equal shares
        rounded to the currency, the last one absorbing the difference so that they add up to the
        amount; dates every ``interval`` days or months counted from the first date (a month step
        from the 31st falls on the last day of shorter months)."""
        share = currency.round(amount / count)
        schedule = []
        for index in range(count):
            step = relativedelta(**{unit: index * interval})
            value = share if index < count - 1 else currency.round(amount - share * (count - 1))
            schedule.append((date_first + step, value))
        return schedule

    def _get_safe_schedule(self):
        """``_get_schedule`` of the wizard, or None when its dates leave the calendar."""
        self.ensure_one()
        if not self.date_first or not self.currency_id:
            return None
        try:
            return self._get_schedule(
                self.amount,
                self.count,
                self.date_first,
                self.interval,
                self.interval_unit,
                self.currency_id,
            )
        except (OverflowError, ValueError):
            return None

    @api.model
    def _get_number_errors(self, count, interval, unit, amount, planning=True):
        """Why these numbers cannot make a plan (list of messages, empty when they can); with
        ``planning`` False, only the numbers that cannot even be computed or stored."""
        errors = []
        if count < 1:
            if planning:
                errors.append(_("Plan at least one instalment."))
        elif count > MAX_INSTALMENTS:
            errors.append(_("Plan at most %(max)s instalments.", max=MAX_INSTALMENTS))
        if interval < 1:
            if planning:
                errors.append(_("The interval between instalments must be at least 1."))
        elif interval > MAX_INTERVAL[unit or "months"]:
            units = dict(self._fields["interval_unit"]._description_selection(self.env))
            errors.append(
                _(
                    "The interval between instalments must be at most %(max)s %(unit)s.",
                    max=MAX_INTERVAL[unit or "months"],
                    unit=units[unit or "months"].lower(),
                )
            )
        if not math.isfinite(amount or 0.0):
            errors.append(_("The amount to split must be a number, not %(amount)s.", amount=amount))
        return errors

    def _get_plan_errors(self):
        self.ensure_one()
        return self._get_number_errors(self.count, self.interval, self.interval_unit, self.amount)

    @api.model
    def _check_numbers(self, vals_list):
        """Refuse, before they are computed or stored, numbers no plan can take."""
        for vals in vals_list:
            amount = vals.get("amount") or 0.0
            try:
                amount = float(amount)
            except (TypeError, ValueError):
                continue  # the field refuses what is no number
            errors = self._get_number_errors(
                vals.get("count") or 0,
                vals.get("interval") or 0,
                vals.get("interval_unit"),
                amount,
                planning=False,
            )
            if errors:
                raise UserError("\n".join(errors))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_numbers(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        names = ("amount", "count", "interval", "interval_unit")
        self._check_numbers([{**{name: wizard[name] for name in names}, **vals} for wizard in self])
        return super().write(vals)

    def _check_plan(self):
        for wizard in self:
            errors = wizard._get_plan_errors()
            if errors:
                raise UserError("\n".join(errors))
            currency = wizard.currency_id
            if currency.compare_amounts(wizard.amount, 0.0) <= 0:
                raise UserError(
                    _("%(lead)s: the amount to split must be positive.", lead=wizard.lead_id.name)
                )
            if abs(wizard.amount) / currency.rounding >= EXACT_UNITS:
                raise UserError(
                    _(
                        "%(lead)s: the amount %(amount)s is too large to be counted exactly.",
                        lead=wizard.lead_id.name,
                        amount=wizard.amount,
                    )
                )
            if not all(math.isfinite(line.amount) for line in wizard.line_ids):
                raise UserError(_("The amount of every instalment must be a number."))
            if not wizard._get_safe_schedule():
                raise UserError(
                    _(
                        "%(lead)s: the instalments would fall beyond the year 9999: plan fewer "
                        "or closer instalments.",
                        lead=wizard.lead_id.name,
                    )
                )
            if any(currency.compare_amounts(line.amount, 0.0) < 0 for line in wizard.line_ids):
                raise UserError(_("An instalment cannot be negative."))
            if any(not line.date_due for line in wizard.line_ids):
                raise UserError(_("Every instalment needs a due date."))
            if currency.compare_amounts(wizard.line_total, wizard.amount):
                raise UserError(
                    _(
                        "%(lead)s: the instalments add up to %(total)s, not to the amount "
                        "%(amount)s.",
                        lead=wizard.lead_id.name,
                        total=currency.format(wizard.line_total),
                        amount=currency.format(wizard.amount),
                    )
                )

    def _prepare_payment_values(self):
        self.ensure_one()
        lead = self.lead_id
        lines = self.line_ids.sorted(lambda line: (line.sequence, line.date_due))
        return [
            {
                "direction": "collection",
                "state": "due",
                "lead_id": lead.id,
                "partner_id": self.partner_id.id,
                "campaign_id": lead.campaign_id.id,
                "amount": line.amount,
                "currency_id": self.currency_id.id,
                "date_due": line.date_due,
                "mode_id": self.mode_id.id,
                "category_id": self.category_id.id,
                "user_id": (lead.user_id or self.env.user).id,
                "company_id": (lead.company_id or self.env.company).id,
                "description": _(
                    "Instalment %(index)s of %(count)s of %(lead)s",
                    index=index,
                    count=len(lines),
                    lead=lead.name,
                ),
            }
            for index, line in enumerate(lines, start=1)
        ]

    def action_create_payments(self):
        self._check_plan()
        payments = self.env["crm.payment"]
        for wizard in self:
            payments |= payments.create(wizard._prepare_payment_values())
        payments._mark_overdue()
        action = self.env["crm.payment.figures"]._get_payment_action(
            [("id", "in", payments.ids)], {"create": False}
        )
        action["name"] = _("Instalments")
        return action


class CrmLeadInstalmentLine(models.TransientModel):
    _name = "crm.lead.instalment.line"
    _description = "Opportunity Instalment"
    _order = "sequence, id"

    instalment_id = fields.Many2one("crm.lead.instalment", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="instalment_id.currency_id")
    sequence = fields.Integer(default=1, string="#")
    date_due = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary()

    @api.model
    def _check_amounts(self, vals_list):
        """Refuse amounts that are no number, before they are rounded and stored."""
        for vals in vals_list:
            try:
                finite = math.isfinite(float(vals.get("amount") or 0.0))
            except (TypeError, ValueError):
                continue  # the field refuses what is no number
            if not finite:
                raise UserError(
                    _(
                        "The amount of every instalment must be a number, not %(amount)s.",
                        amount=vals["amount"],
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_amounts(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_amounts([vals])
        return super().write(vals)
