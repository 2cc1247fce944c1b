"""The step of an operation (``marketing.operation.step``): its fields, its tree, its targets,
its launch and the events it generates per partner. Each kind of step adds a file next to it."""

import unicodedata
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..marketing_step_type import STEP_FIELD_REQUIREMENTS
from ..operation.marketing_operation import OPERATION_ACCESS_FIELDS


def _fold(text):
    """``text`` without case and accents, to compare job positions."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class MarketingOperationStep(models.Model):
    """A step of an operation. Steps form a tree: only final steps are actions, the others group."""

    _name = "marketing.operation.step"
    _description = "Marketing Operation Step"
    _inherit = ["marketing.confidential.mixin"]
    _parent_name = "parent_id"
    _parent_store = True
    _order = "operation_id, sort_key, id"
    _check_company_auto = True

    operation_id = fields.Many2one(
        "marketing.operation", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(related="operation_id.company_id", store=True, index=True)
    parent_id = fields.Many2one(
        "marketing.operation.step",
        string="Parent Step",
        index=True,
        ondelete="cascade",
        domain="[('operation_id', '=', operation_id), ('is_final', '=', False)]",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("marketing.operation.step", "parent_id", string="Sub-steps")
    sequence = fields.Integer(default=10)
    sort_key = fields.Char(
        compute="_compute_sort_key",
        recursive=True,
        store=True,
        help="Orders the steps of an operation as their tree: parents before their children.",
    )
    depth = fields.Integer(compute="_compute_sort_key", recursive=True, store=True)
    code = fields.Char()
    name = fields.Char(required=True, translate=False)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    is_final = fields.Boolean(
        string="Final",
        default=True,
        help="A final step is an action on its targets; a step that is not final groups sub-steps.",
    )
    step_type_id = fields.Many2one("marketing.step.type", string="Type", index=True)
    kind = fields.Selection(related="step_type_id.kind", string="Type Kind")
    state_id = fields.Many2one(
        "marketing.operation.state",
        index=True,
        default=lambda self: self.env["marketing.operation.state"]._get_default("step"),
        domain=[("applies_to", "in", ("all", "step"))],
        copy=False,
    )
    state_kind = fields.Selection(related="state_id.kind", string="State Kind")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain=[("share", "=", False)],
        help="Owner of the events generated for the targets; the operation's responsible when empty.",
    )
    date_planned = fields.Datetime(string="Planned Date")
    duration = fields.Float(help="Duration in hours (also the length of generated meetings).")
    date_done = fields.Datetime(copy=False)
    event_mode = fields.Selection(
        [("none", "Nothing"), ("meeting", "Calendar event"), ("activity", "Activity")],
        string="Generate per Partner",
        required=True,
        default="none",
        help="What each launch generates for every processed partner.",
    )
    event_type_id = fields.Many2one("calendar.event.type", string="Meeting Tag")
    activity_type_id = fields.Many2one("mail.activity.type")
    survey_id = fields.Many2one("survey.survey", string="Questionnaire")
    mail_template_id = fields.Many2one("mail.template", domain=[("model", "=", "res.partner")])
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "marketing_operation_step_attachment_rel",
        "step_id",
        "attachment_id",
        string="Attachments",
    )
    document_template = fields.Binary(attachment=True)
    document_template_name = fields.Char()
    is_template = fields.Boolean(string="Template", index=True, copy=False)
    launch_state_id = fields.Many2one(
        "marketing.target.state",
        string="Status after Launch",
        default=lambda self: self.env["marketing.target.state"]._get_by_kind("ok"),
        domain=[("kind", "!=", "todo")],
        help="The status targets take when the step is launched for them.",
    )
    note = fields.Html()

    # requirements of the step type, shown and enforced on the form
    date_requirement = fields.Selection(
        related="step_type_id.date_requirement", string="Planned Date Use"
    )
    duration_requirement = fields.Selection(
        related="step_type_id.duration_requirement", string="Duration Use"
    )
    date_done_requirement = fields.Selection(
        related="step_type_id.date_done_requirement", string="Date Done Use"
    )
    event_requirement = fields.Selection(
        related="step_type_id.event_requirement", string="Event Use"
    )
    survey_requirement = fields.Selection(
        related="step_type_id.survey_requirement", string="Questionnaire Use"
    )
    document_requirement = fields.Selection(
        related="step_type_id.document_requirement", string="Document Use"
    )
    attachment_requirement = fields.Selection(
        related="step_type_id.attachment_requirement", string="Attachments Use"
    )

    target_ids = fields.One2many("marketing.operation.target", "step_id", string="Targets")
    target_count = fields.Integer(compute="_compute_target_counts")
    target_todo_count = fields.Integer(compute="_compute_target_counts", string="To Process")
    target_processed_count = fields.Integer(compute="_compute_target_counts", string="Processed")

    # ---- Computes -------------------------------------------------------------------------------

    @api.depends("sequence", "parent_id.sort_key")
    def _compute_sort_key(self):
        # parents first, so that children read their parent's new key
        for step in self.sorted(lambda s: len(s.parent_path or "")):
            own = f"{step.sequence:06d}.{step._origin.id or 0:010d}"
            parent = step.parent_id
            step.sort_key = f"{parent.sort_key}/{own}" if parent else own
            step.depth = parent.depth + 1 if parent else 0

    @api.depends("name", "code", "parent_id.complete_name")
    def _compute_complete_name(self):
        for step in self:
            label = f"[{step.code}] {step.name}" if step.code else step.name
            step.complete_name = (
                f"{step.parent_id.complete_name} / {label}" if step.parent_id else label
            )

    @api.depends("target_ids.state_id")
    def _compute_target_counts(self):
        counts = defaultdict(lambda: defaultdict(int))
        for step, state, count in self.env["marketing.operation.target"]._read_group(
            [("step_id", "in", self.ids)], ["step_id", "state_id"], ["__count"]
        ):
            counts[step.id][state.kind] += count
        for step in self:
            by_kind = counts[step._origin.id]
            step.target_count = sum(by_kind.values())
            step.target_todo_count = by_kind["todo"]
            step.target_processed_count = by_kind["ok"] + by_kind["skipped"] + by_kind["stop"]

    def _get_neutral_name_depends(self):
        return [f"operation_id.{name}" for name in OPERATION_ACCESS_FIELDS]

    def _get_confidential_records(self):
        return self.filtered("operation_id.is_hidden")

    def _get_neutral_name(self):
        return _("Confidential step")

    def _get_public_name(self):
        """The step's name, or a neutral one when its operation is confidential: for what every
        user sees (events, activities)."""
        self.ensure_one()
        if self.sudo().operation_id.is_hidden:
            return _("Confidential step")
        return self.sudo().name

    # ---- Constraints ------------------------------------------------------------------------------

    @api.constrains("parent_id", "operation_id", "is_final")
    def _check_tree(self):
        for step in self:
            parent = step.parent_id
            if parent and parent.operation_id != step.operation_id:
                raise ValidationError(
                    _(
                        "Step %(step)s and its parent %(parent)s belong to different operations.",
                        step=step.name,
                        parent=parent.name,
                    )
                )
            if parent.is_final:
                raise ValidationError(
                    _(
                        "Step %(parent)s is final: it is an action and cannot have sub-steps such as %(step)s.",
                        parent=parent.name,
                        step=step.name,
                    )
                )
            if step.is_final and step.child_ids:
                raise ValidationError(
                    _(
                        "Step %(step)s has sub-steps: it groups them and cannot be final.",
                        step=step.name,
                    )
                )

    @api.constrains("is_final", "step_type_id", *STEP_FIELD_REQUIREMENTS)
    def _check_requirements(self):
        for step in self.filtered("is_final"):
            if not step.step_type_id:
                raise ValidationError(_("Final step %(step)s needs a type.", step=step.name))
            missing = [
                step._fields[field].get_description(self.env)["string"]
                for field, requirement in STEP_FIELD_REQUIREMENTS.items()
                if step.step_type_id[requirement] == "mandatory"
                and (not step[field] or (field == "event_mode" and step[field] == "none"))
            ]
            if missing:
                raise ValidationError(
                    _(
                        "Step %(step)s of type %(type)s requires: %(fields)s.",
                        step=step.name,
                        type=step.step_type_id.name,
                        fields=", ".join(missing),
                    )
                )

    @api.constrains("event_mode", "event_type_id", "activity_type_id")
    def _check_event_mode(self):
        for step in self:
            if step.event_mode == "activity" and not step.activity_type_id:
                raise ValidationError(
                    _("Step %(step)s generates activities: choose their type.", step=step.name)
                )

    # ---- ORM ----------------------------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        steps = super().create(vals_list)
        # the sort key holds the id, unknown before the insert: compute it again now
        tree = self.search([("id", "child_of", steps.ids)])
        for field_name in ("sort_key", "depth"):
            self.env.add_to_compute(self._fields[field_name], tree)
        return steps

    def _copy_tree(self, operation, parent=False):
        """Copy these steps and their sub-steps, keeping the tree, into ``operation``."""
        copies = self.browse()
        for step in self.sorted("sort_key"):
            copy = step.copy({"operation_id": operation.id, "parent_id": parent and parent.id})
            step.child_ids._copy_tree(operation, copy)
            copies |= copy
        return copies

    # ---- Targets ------------------------------------------------------------------------------------

    def _add_targets(self, partners):
        """Target ``partners`` in this final step: contacts of a company bring their company in,
        with themselves as its contacts; partners already targeted are completed, never duplicated.

        :return: (new targets, {partner: reason} of the partners refused)
        """
        self.ensure_one()
        if not self.is_final:
            raise UserError(
                _("Step %(step)s groups sub-steps: only final steps have targets.", step=self.name)
            )
        contacts_by_partner = defaultdict(lambda: self.env["res.partner"])
        for partner in partners:
            company = partner.parent_id if (partner.parent_id and not partner.is_company) else None
            if company:
                contacts_by_partner[company] |= partner
            else:
                contacts_by_partner[partner] |= self.env["res.partner"]
        refused = {}
        for partner in list(contacts_by_partner):
            reason = self.operation_id._partner_kind_error(partner)
            if reason:
                refused[partner] = reason
                del contacts_by_partner[partner]

        Target = self.env["marketing.operation.target"]
        existing = {
            t.partner_id: t
            for t in Target.search(
                [
                    ("step_id", "=", self.id),
                    ("partner_id", "in", [p.id for p in contacts_by_partner]),
                ]
            )
        }
        todo = self.env["marketing.target.state"]._get_by_kind("todo")
        new_vals, contact_vals = [], []
        for partner, contacts in contacts_by_partner.items():
            target = existing.get(partner)
            if target:
                for contact in contacts - target.contact_ids.partner_id:
                    contact_vals.append(
                        {"target_id": target.id, "partner_id": contact.id, "state_id": todo.id}
                    )
            else:
                new_vals.append(
                    {
                        "step_id": self.id,
                        "partner_id": partner.id,
                        "state_id": todo.id,
                        "contact_ids": [
                            fields.Command.create({"partner_id": c.id, "state_id": todo.id})
                            for c in contacts
                        ],
                    }
                )
        new_targets = Target.create(new_vals)
        self.env["marketing.operation.target.contact"].create(contact_vals)
        return new_targets, refused

    def _get_targets_from_domain(self, source_steps, only_processed=False):
        """Domain of the targets of ``source_steps`` whose partners ``_get_targets_from`` takes."""
        domain = [("step_id", "in", source_steps.ids)]
        if only_processed:
            # "processed, stop" targets are done and go no further
            domain.append(("state_id.kind", "in", ("ok", "skipped")))
        return domain

    def _get_targets_from(self, source_steps, only_processed=False):
        """Partners and contacts targeted in ``source_steps`` (of any operation)."""
        targets = self.env["marketing.operation.target"].search(
            self._get_targets_from_domain(source_steps, only_processed)
        )
        return targets.partner_id | targets.contact_ids.partner_id

    def _add_contacts_by_function(self, functions):
        """For the targeted companies of this step, target those of their contacts whose job
        position contains one of ``functions`` (case- and accent-insensitive).

        :return: the contacts added (``res.partner``)
        """
        self.ensure_one()
        patterns = [_fold(f).strip() for f in functions if f and f.strip()]
        if not patterns:
            raise UserError(_('Give at least one function, e.g. "purchas" or "quality".'))
        targets = self.target_ids.filtered("partner_is_company")
        contacts = self.env["res.partner"].search(
            [
                ("parent_id", "in", targets.partner_id.ids),
                ("is_company", "=", False),
                ("function", "!=", False),
            ]
        )
        matching = contacts.filtered(
            lambda c: any(pattern in _fold(c.function) for pattern in patterns)
        )
        already = targets.contact_ids.partner_id
        added = matching - already
        self._add_targets(added)
        return added

    # ---- Launch -------------------------------------------------------------------------------------

    def _get_launch_state(self):
        return self.launch_state_id or self.env["marketing.target.state"]._get_by_kind("ok")

    def _launch_targets(self, targets):
        """Launch this step for ``targets``: many targets of a sending kind are queued for the
        background launch (``background.py``), launched there later; otherwise what happens
        depends on the kind of the step's type, handled by ``_launch_<kind>(targets)`` when the
        step model has such a method (one file per kind), by ``_launch_default`` otherwise.

        :return: the targets launched
        """
        self.ensure_one()
        if targets and self._launch_in_background(targets):
            return self._queue_launch(targets)
        if not self.is_final:
            raise UserError(
                _(
                    "Step %(step)s groups sub-steps: only final steps can be launched.",
                    step=self.name,
                )
            )
        if not targets:
            return targets
        launch = getattr(self, f"_launch_{self.kind}", None) if self.kind else None
        return (launch or self._launch_default)(targets)

    def _launch_default(self, targets):
        """Give ``targets``, and all their contacts, the step's final status, and generate what
        the step generates per partner."""
        final = self._get_launch_state()
        targets.contact_ids.write({"state_id": final.id})
        targets.write({"state_id": final.id})
        self._generate_events(targets)
        return targets

    def _generate_events(self, targets):
        """One calendar event or activity per targeted partner, in one create each. Events
        and activities are seen by other users: those of a confidential operation carry neutral
        names, and its events are private (their organizer and attendees only)."""
        hidden = self.operation_id.is_hidden
        if self.event_mode == "meeting":
            start = self.date_planned or fields.Datetime.now()
            stop = start + timedelta(hours=self.duration or 1.0)
            user = self.user_id or self.operation_id.user_id or self.env.user
            Event = self.env["calendar.event"]
            if hidden:
                # a private event of another organizer is created for whoever may launch the step
                self.check_access("write")
                Event = Event.sudo()
            events = Event.with_context(no_mail_to_attendees=True).create(
                [
                    {
                        "name": _(
                            "%(step)s: %(partner)s",
                            step=self._get_public_name(),
                            partner=target.partner_id.name,
                        ),
                        "privacy": "private" if hidden else False,
                        "start": start,
                        "stop": stop,
                        "user_id": user.id,
                        "partner_ids": [
                            fields.Command.set(
                                (target.partner_id | target.contact_ids.partner_id).ids
                            )
                        ],
                        "categ_ids": [fields.Command.set(self.event_type_id.ids)],
                        "marketing_step_id": self.id,
                    }
                    for target in targets
                ]
            )
            for target, event in zip(targets, events, strict=True):
                target.event_id = event
        elif self.event_mode == "activity":
            user = self.user_id or self.operation_id.user_id or self.env.user
            deadline = (self.date_planned or fields.Datetime.now()).date()
            model_id = self.env["ir.model"]._get_id("res.partner")
            # whoever may launch the step schedules its activities on the targeted partners,
            # whether or not they may edit partners themselves
            self.check_access("write")
            self.env["mail.activity"].sudo().create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": target.partner_id.id,
                        "activity_type_id": self.activity_type_id.id,
                        # the partner's activities are seen by every user
                        "summary": _(
                            "%(operation)s: %(step)s",
                            operation=self.operation_id._get_public_name(),
                            step=self._get_public_name(),
                        ),
                        "user_id": user.id,
                        "date_deadline": deadline,
                        "marketing_step_id": self.id,
                    }
                    for target in targets
                ]
            )

    def _after_launch(self):
        """What follows a launch: the step's mailing while it is not sent (mass emailing, see
        ``mass_emailing.py``), else the offer to set the step done when nothing is left to
        process."""
        if self.kind == "mass_emailing" and self.mailing_id.state not in ("sending", "done"):
            return self.action_view_mailing()
        self.ensure_one()
        if self.target_todo_count or self.state_id.kind == "done":
            return True
        return {
            "type": "ir.actions.act_window",
            "name": _("Step Processed"),
            "res_model": "marketing.operation.step.close",
            "view_mode": "form",
            "target": "new",
            "context": {"default_step_id": self.id},
        }

    def action_launch(self):
        """Launch the step for all its targets still to process."""
        self.ensure_one()
        todo = self.target_ids.filtered(lambda t: t.state_id.kind == "todo")
        if not todo:
            raise UserError(_("Step %(step)s has no target left to process.", step=self.name))
        self._launch_targets(todo)
        return self._after_launch()

    def action_set_done(self):
        done = self.env["marketing.operation.state"]._get_default("step", kind="done")
        if not done:
            raise UserError(_("No step state of kind Done is configured."))
        self.write({"state_id": done.id, "date_done": fields.Datetime.now()})
        return True

    # ---- Actions ------------------------------------------------------------------------------------

    def action_view_targets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_ops.marketing_operation_target_action"
        )
        action["domain"] = [("step_id", "=", self.id)]
        action["context"] = {"default_step_id": self.id}
        return action

    def _open_wizard(self, model, name):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_step_id": self.id},
        }

    def action_open_map(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "marketing_ops.target_map",
            "name": _("Map of %(step)s", step=self.name),
            "params": {"domain": [("step_id", "=", self.id)]},
        }

    def _check_can_start_calls(self):
        self.ensure_one()
        if not self.is_final or self.kind != "phoning":
            raise UserError(
                _("Step %(step)s is not a phoning step: it has no call session.", step=self.name)
            )
        if not self.survey_id:
            raise UserError(
                _("Phoning step %(step)s needs its questionnaire before calling.", step=self.name)
            )
        if not self.target_todo_count:
            raise UserError(_("Step %(step)s has no target left to process.", step=self.name))

    def action_start_calls(self):
        """Open a call session on this phoning step's targets still to process."""
        self.ensure_one()
        self._check_can_start_calls()
        session = self.env["marketing.operation.call.session"].create({"step_id": self.id})
        return session._get_action()

    def action_add_targets(self):
        return self._open_wizard("marketing.operation.step.targeting", _("Add Targets"))

    def action_import_targets(self):
        return self._open_wizard("marketing.operation.step.import", _("Import Targets"))

    def action_load_template(self):
        self.ensure_one()
        action = self._open_wizard("marketing.operation.template.load", _("Load a Template Step"))
        action["context"] = {
            "default_operation_id": self.operation_id.id,
            "default_step_id": self.id,
        }
        return action

    def action_add_contacts_by_function(self):
        return self._open_wizard("marketing.operation.step.function", _("Contacts by Function"))
