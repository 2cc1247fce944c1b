from odoo import _, api, fields, models
from odoo.exceptions import UserError

OPERATION_TEMPLATE_FIELDS = [
    "category_id",
    "family_id",
    "operation_type",
    "product_id",
    "location",
    "description",
    "target_companies",
    "target_individuals",
    "target_category_ids",
    "target_description",
    "target_size",
    "sends_planned",
    "budget",
    "expected_revenue",
    "expected_response",
    "expected_sales_count",
    "expected_response_count",
    "attach_message_to_event",
]
STEP_TEMPLATE_FIELDS = [
    "step_type_id",
    "is_final",
    "duration",
    "event_mode",
    "event_type_id",
    "activity_type_id",
    "survey_id",
    "mail_template_id",
    "attachment_ids",
    "document_template",
    "document_template_name",
    "launch_state_id",
    "note",
]


class MarketingOperationTemplateLoad(models.TransientModel):
    """Load a template operation into an operation, or a template step into a step, after
    showing what will be overwritten."""

    _name = "marketing.operation.template.load"
    _description = "Load a Marketing Operation Template"

    operation_id = fields.Many2one("marketing.operation", required=True, ondelete="cascade")
    step_id = fields.Many2one("marketing.operation.step", ondelete="cascade")
    template_operation_id = fields.Many2one(
        "marketing.operation",
        domain="[('is_template', '=', True), ('id', '!=', operation_id)]",
    )
    template_step_id = fields.Many2one(
        "marketing.operation.step",
        domain="[('is_template', '=', True), ('id', '!=', step_id)]",
    )
    overwritten = fields.Text(compute="_compute_overwritten", string="Will Be Overwritten")

    @api.depends("template_operation_id", "template_step_id", "operation_id", "step_id")
    def _compute_overwritten(self):
        for wizard in self:
            if wizard.step_id:
                lines = wizard._step_changes() if wizard.template_step_id else []
            else:
                lines = wizard._operation_changes() if wizard.template_operation_id else []
            wizard.overwritten = "\n".join(lines) or _(
                "Nothing: the current values are empty or equal."
            )

    @staticmethod
    def _changed_fields(record, template, field_names):
        """Labels of the fields of ``record`` that hold a value the template replaces."""
        labels = []
        for name in field_names:
            field = record._fields[name]
            current, new = record[name], template[name]
            if field.type in ("many2one", "many2many", "one2many"):
                differs = current and current != new
            else:
                differs = bool(current) and current != new
            if differs:
                labels.append(field._description_string(record.env))
        return labels

    def _operation_changes(self):
        operation, template = self.operation_id, self.template_operation_id
        lines = [
            self.env._("Field: %(field)s", field=label)
            for label in self._changed_fields(operation, template, OPERATION_TEMPLATE_FIELDS)
        ]
        if operation.step_ids:
            lines.append(
                _(
                    "Steps: the %(count)s current steps (%(targets)s targets) are deleted and replaced by the %(new)s steps of %(template)s.",
                    count=len(operation.step_ids),
                    targets=len(operation.target_ids),
                    new=len(template.step_ids),
                    template=template.name,
                )
            )
        return lines

    def _step_changes(self):
        step, template = self.step_id, self.template_step_id
        lines = [
            self.env._("Field: %(field)s", field=label)
            for label in self._changed_fields(step, template, STEP_TEMPLATE_FIELDS)
        ]
        if template.child_ids:
            lines.append(
                _(
                    "Sub-steps: the %(count)s sub-steps of %(template)s are added under %(step)s.",
                    count=len(template.child_ids),
                    template=template.name,
                    step=step.name,
                )
            )
        return lines

    def action_load(self):
        self.ensure_one()
        if self.step_id:
            self._load_step()
        else:
            self._load_operation()
        return {"type": "ir.actions.act_window_close"}

    def _load_operation(self):
        operation, template = self.operation_id, self.template_operation_id
        if not template:
            raise UserError(_("Choose the template operation to load."))
        processed = operation.target_ids.filtered(lambda t: t.state_id.kind != "todo")
        if processed:
            raise UserError(
                _(
                    "%(count)s targets of %(operation)s have been processed: loading a template would "
                    "delete them. Load it into a new operation instead.",
                    count=len(processed),
                    operation=operation.name,
                )
            )
        values = template._convert_to_write(
            {name: template[name] for name in OPERATION_TEMPLATE_FIELDS}
        )
        operation.write(values)
        operation.step_ids.unlink()
        template.step_ids.filtered(lambda s: not s.parent_id)._copy_tree(operation)
        operation.message_post(body=_("Template %(template)s loaded.", template=template.name))

    def _load_step(self):
        step, template = self.step_id, self.template_step_id
        if not template:
            raise UserError(_("Choose the template step to load."))
        if step._origin in template.search([("id", "child_of", template.ids)]):
            raise UserError(
                _(
                    "Step %(step)s is %(template)s or one of its sub-steps: a step cannot "
                    "receive its own tree.",
                    step=step.name,
                    template=template.name,
                )
            )
        if template.child_ids and step.is_final and step.target_ids:
            raise UserError(
                _(
                    "Step %(step)s has targets: it cannot receive the sub-steps of %(template)s.",
                    step=step.name,
                    template=template.name,
                )
            )
        values = template._convert_to_write({name: template[name] for name in STEP_TEMPLATE_FIELDS})
        if template.child_ids:
            values["is_final"] = False
        if not step.date_planned and template.date_planned:
            values["date_planned"] = template.date_planned
        step.write(values)
        template.child_ids._copy_tree(step.operation_id, step)
        template._copy_transitions({template.id: step.id})
