from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime, plaintext2html

CALL_ORDERS = [
    ("list", "Target List Order"),
    ("callback", "Callback Date First"),
]


class MarketingOperationCallSession(models.TransientModel):
    """A caller's session on a phoning step: its targets to process, one at a time.

    For the current target the caller sees the partner card, fills the step's questionnaire in
    the partner's name, then records a status, an optional callback and a note before moving on.
    """

    _name = "marketing.operation.call.session"
    _description = "Marketing Phoning Session"

    step_id = fields.Many2one(
        "marketing.operation.step", required=True, readonly=True, ondelete="cascade"
    )
    operation_id = fields.Many2one(related="step_id.operation_id")
    step_todo_count = fields.Integer(related="step_id.target_todo_count")
    step_state_kind = fields.Selection(related="step_id.state_kind")
    call_order = fields.Selection(
        CALL_ORDERS,
        required=True,
        default="list",
        help="Target List Order: as the step's target list. Callback Date First: the partners to "
        "call back first, earliest callback first, then the others in list order.",
    )
    session_state = fields.Selection(
        [("start", "Start"), ("call", "Calling"), ("end", "Finished")],
        required=True,
        default="start",
    )
    target_id = fields.Many2one("marketing.operation.target", readonly=True)
    seen_target_ids = fields.Many2many(
        "marketing.operation.target",
        "marketing_call_session_seen_target_rel",
        "session_id",
        "target_id",
        string="Targets Called",
        help="The targets already called or skipped in this session.",
    )
    called_count = fields.Integer(compute="_compute_counts", string="Called")
    remaining_count = fields.Integer(compute="_compute_counts", string="Left to Call")

    # the partner card
    partner_id = fields.Many2one(related="target_id.partner_id", string="Partner")
    partner_company_id = fields.Many2one(related="target_id.partner_id.parent_id", string="Company")
    partner_phone = fields.Char(related="target_id.partner_id.phone", string="Phone")
    partner_mobile = fields.Char(related="target_id.partner_id.mobile", string="Mobile")
    partner_email = fields.Char(related="target_id.partner_id.email", string="Email")
    partner_function = fields.Char(related="target_id.partner_id.function", string="Job Position")
    contact_ids = fields.One2many(related="target_id.contact_ids", string="Targeted Contacts")
    target_notes = fields.Text(related="target_id.notes", string="Target Notes")
    target_counter = fields.Integer(related="target_id.counter", string="Questionnaire Openings")
    target_callback_date = fields.Datetime(
        related="target_id.callback_date", string="Planned Callback"
    )
    partner_message_ids = fields.Many2many(
        "mail.message", compute="_compute_partner_history", string="Last Notes"
    )
    partner_activity_ids = fields.Many2many(
        "mail.activity", compute="_compute_partner_history", string="Activities"
    )
    answer_state = fields.Selection(
        [
            ("none", "Not Opened"),
            ("new", "Not Started"),
            ("in_progress", "In Progress"),
            ("done", "Completed"),
        ],
        compute="_compute_answer_state",
        string="Questionnaire",
    )

    # what the caller records
    state_id = fields.Many2one(
        "marketing.target.state",
        string="Status",
        default=lambda self: self._default_state(),
        help="The target's status after the call. Keep it to process to call the partner again.",
    )
    callback_date = fields.Datetime(
        string="Call Back On",
        help="Schedules a call activity for you on the partner at this date.",
    )
    note = fields.Text()
    skip_state_id = fields.Many2one(
        "marketing.target.state",
        string="Skip with Status",
        default=lambda self: self.env["marketing.target.state"]._get_by_kind("skipped"),
    )

    @api.model
    def _default_state(self):
        return self.env["marketing.target.state"]._get_by_kind("ok")

    # ---- Computes -------------------------------------------------------------------------------

    @api.depends("step_id", "target_id")
    def _compute_display_name(self):
        for session in self:
            session.display_name = (
                _(
                    "Calls: %(step)s, %(partner)s",
                    step=session.step_id.name,
                    partner=session.target_id.partner_id.name,
                )
                if session.target_id
                else _("Calls: %(step)s", step=session.step_id.name)
            )

    @api.depends("step_id", "seen_target_ids", "target_id")
    def _compute_counts(self):
        for session in self:
            session.called_count = len(session.seen_target_ids)
            session.remaining_count = self.env["marketing.operation.target"].search_count(
                session._get_target_domain()
            )

    @api.depends("target_id")
    def _compute_partner_history(self):
        for session in self:
            partner = session.target_id.partner_id
            if not partner:
                session.partner_message_ids = False
                session.partner_activity_ids = False
                continue
            session.partner_message_ids = self.env["mail.message"].search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("message_type", "in", ("comment", "email")),
                ],
                order="date desc, id desc",
                limit=self._get_history_limit(),
            )
            session.partner_activity_ids = self.env["mail.activity"].search(
                [("res_model", "=", "res.partner"), ("res_id", "=", partner.id)],
                order="date_deadline, id",
            )

    @api.depends("target_id.user_input_id")
    def _compute_answer_state(self):
        for session in self:
            # callers answer the questionnaire without access to its answers in the back office
            answer = session.target_id.user_input_id.sudo()
            session.answer_state = answer.state if answer else "none"

    # ---- Actions ------------------------------------------------------------------------------

    def action_start(self):
        """Call the first target, in the order chosen."""
        self.ensure_one()
        self._move_to_next()
        return True

    def action_open_questionnaire(self):
        """Open the step's questionnaire for the current partner, in a new tab."""
        self.ensure_one()
        target = self._get_current_target()
        answer = self._get_or_create_answer(target)
        if target.state_id.kind == "todo":
            target.counter += 1
        return {
            "type": "ir.actions.act_url",
            "url": answer.get_start_url(),
            "target": "new",
        }

    def action_next(self):
        """Record the call of the current target and move on to the next one."""
        self.ensure_one()
        target = self._get_current_target()
        if not self.state_id:
            raise UserError(_("Choose the status of %(partner)s.", partner=target.partner_id.name))
        self._record_call(target, self.state_id, self.callback_date, self.note)
        return self._move_on()

    def action_skip(self):
        """Move on to the next target, giving the current one the chosen status."""
        self.ensure_one()
        target = self._get_current_target()
        if not self.skip_state_id:
            raise UserError(_("Choose the status to give to a skipped partner."))
        self._record_call(target, self.skip_state_id)
        return self._move_on()

    def action_offer_done(self):
        """Offer to set the step done, as a launch does when nothing is left to process."""
        self.ensure_one()
        return self.step_id._after_launch()

    def action_back_to_step(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "marketing.operation.step",
            "res_id": self.step_id.id,
            "view_mode": "form",
            "target": "current",
        }

    # ---- Business methods ---------------------------------------------------------------------

    @api.model
    def _get_history_limit(self):
        return 5

    def _get_target_domain(self):
        """The targets this session still has to call."""
        self.ensure_one()
        return [
            ("step_id", "=", self.step_id.id),
            ("state_id.kind", "=", "todo"),
            ("id", "not in", self.seen_target_ids.ids),
        ]

    def _get_target_order(self):
        self.ensure_one()
        Target = self.env["marketing.operation.target"]
        if self.call_order == "callback":
            return f"callback_date asc nulls last, {Target._order}"
        return Target._order

    def _get_current_target(self):
        self.ensure_one()
        if not self.target_id:
            raise UserError(_("No partner is being called: the session is over."))
        return self.target_id

    def _get_or_create_answer(self, target):
        """The target's questionnaire answer, created for its partner the first time."""
        step = target.step_id
        survey = step.survey_id
        if not survey:
            raise UserError(_("Step %(step)s has no questionnaire.", step=step.name))
        # callers need no right on questionnaires: whoever may update the target answers for it
        target.check_access("write")
        answer = target.user_input_id.sudo()
        if answer.survey_id != survey:
            answer = survey.sudo()._create_answer(partner=target.partner_id, check_attempts=False)
            target.user_input_id = answer.id
        return answer

    def _record_call(self, target, state, callback_date=False, note=False):
        """Give ``target`` and its contacts ``state``; plan the callback and log the note."""
        values = {"state_id": state.id}
        if callback_date:
            values["callback_date"] = callback_date
        if note:
            stamp = format_datetime(self.env, fields.Datetime.now(), dt_format="short")
            header = _("%(date)s, %(user)s:", date=stamp, user=self.env.user.name)
            values["notes"] = "\n".join(filter(None, [target.notes, f"{header} {note}"]))
        if state.kind != "todo":
            target.contact_ids.write({"state_id": state.id})
        target.write(values)
        if note:
            self._log_note(target, note)
        if callback_date:
            self._schedule_callback(target, callback_date, note)

    def _log_note(self, target, note):
        # whoever may update the target logs the call on the partner, whatever their rights
        # on partners; the author stays the caller
        target.check_access("write")
        step = target.step_id
        body = Markup("<p>%s</p>%s") % (
            _("Call of step %(step)s", step=step.name)
            if step.operation_id.is_hidden
            else _(
                "Call of %(operation)s: %(step)s",
                operation=step.operation_id.name,
                step=step.name,
            ),
            plaintext2html(note),
        )
        message = target.partner_id.sudo().message_post(
            body=body,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            author_id=self.env.user.partner_id.id,
        )
        target.message_id = message.id

    def _schedule_callback(self, target, callback_date, note=False):
        """A call activity for the caller on the partner, due on the callback's day."""
        target.check_access("write")
        step = target.step_id
        local = fields.Datetime.context_timestamp(self, callback_date)
        self.env["mail.activity"].sudo().create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": target.partner_id.id,
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "summary": _(
                    "Call back (%(step)s) at %(time)s",
                    step=step.name,
                    time=local.strftime("%H:%M"),
                ),
                "note": plaintext2html(note) if note else False,
                "user_id": self.env.user.id,
                "date_deadline": local.date(),
                "marketing_step_id": step.id,
            }
        )

    def _move_to_next(self):
        """Make the next target to call the current one; end the session when none is left."""
        self.ensure_one()
        target = self.env["marketing.operation.target"].search(
            self._get_target_domain(), order=self._get_target_order(), limit=1
        )
        self.write(
            {
                "target_id": target.id,
                "session_state": "call" if target else "end",
                "state_id": self._default_state().id,
                "callback_date": False,
                "note": False,
            }
        )
        return target

    def _move_on(self):
        self.seen_target_ids = [fields.Command.link(self.target_id.id)]
        if self._move_to_next():
            return True
        # nothing left in this session: offer to set the step done when nothing is left at all
        return self.step_id._after_launch()

    def _get_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Calls: %(step)s", step=self.step_id.name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "current",
        }
