"""Document mailing steps: a Word template merged for the targets, and its merge fields."""

import base64
import io

from mailmerge import MailMerge

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date, format_datetime

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# merge field roots: name -> model
MERGE_ROOTS = {
    "partner": "res.partner",
    "contact": "res.partner",
    "operation": "marketing.operation",
    "step": "marketing.operation.step",
    "user": "res.users",
    "target": "marketing.operation.target",
}
MERGE_SEPARATOR = "__"
MERGE_FIELD_TYPES = (
    "char",
    "text",
    "selection",
    "date",
    "datetime",
    "integer",
    "float",
    "monetary",
    "boolean",
    "many2one",
    "many2many",
)


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    document_unknown_fields = fields.Char(
        compute="_compute_document_merge_fields",
        string="Unknown Merge Fields",
        help="Merge fields of the document template that name no field: the step cannot be "
        "launched until they are corrected in Word.",
    )
    document_merge_fields = fields.Char(
        compute="_compute_document_merge_fields",
        string="Merge Fields",
    )
    document_per_partner = fields.Boolean(
        string="One Document per Partner",
        help="Besides the merged document, attach each partner's own letter to its event "
        "(or to the partner when the step generates no meeting).",
    )
    document_field_list = fields.Binary(compute="_compute_document_field_list", attachment=False)

    # ---- Computes -------------------------------------------------------------------------------

    @api.depends("document_template")
    def _compute_document_merge_fields(self):
        for step in self:
            try:
                names = step._get_document_merge_fields() if step.document_template else []
            except UserError:
                step.document_merge_fields = False
                step.document_unknown_fields = _("The document template is not a Word file.")
                continue
            step.document_merge_fields = ", ".join(names)
            step.document_unknown_fields = ", ".join(
                name for name in names if not step._get_merge_chain(name)
            )

    def _compute_document_field_list(self):
        lines = [
            _("Merge fields to insert with Word's Insert Merge Field button:"),
            "",
        ]
        for name, label in self._get_merge_field_catalogue():
            lines.append(f"{name}\t{label}")
        content = base64.b64encode("\n".join(lines).encode())
        for step in self:
            step.document_field_list = content

    # ---- Merge fields ---------------------------------------------------------------------------

    def _get_document_merge_fields(self):
        """The names of the merge fields of the step's document template."""
        self.ensure_one()
        try:
            with MailMerge(io.BytesIO(base64.b64decode(self.document_template))) as document:
                return sorted(document.get_merge_fields())
        except Exception as error:  # any unreadable file is reported alike
            raise UserError(
                _(
                    "The document template of step %(step)s is not a Word (.docx) file: %(error)s",
                    step=self.name,
                    error=error,
                )
            ) from error

    @api.model
    def _get_merge_chain(self, name):
        """The (root, fields) a merge field name designates, or None when it names no field
        the user may read. ``today`` has no field."""
        if name == "today":
            return ("today", [])
        root, *path = name.split(MERGE_SEPARATOR)
        model_name = MERGE_ROOTS.get(root)
        if not model_name:
            return None
        model = self.env[model_name]
        chain = []
        for index, segment in enumerate(path):
            field = model._fields.get(segment)
            if not field or field.type in ("binary", "html") or not self._can_read_field(field):
                return None
            chain.append(field)
            if index < len(path) - 1:
                if not field.relational:
                    return None
                model = self.env[field.comodel_name]
        if not chain:
            return None
        return (root, chain)

    def _can_read_field(self, field):
        return not field.groups or self.env.user.has_groups(field.groups)

    @api.model
    def _get_merge_field_catalogue(self):
        """(name, label) of the merge fields offered to the consultant."""
        catalogue = [("today", _("Today's date"))]
        for root, model_name in MERGE_ROOTS.items():
            model = self.env[model_name]
            for field_name, field in sorted(model._fields.items()):
                if (
                    field.type not in MERGE_FIELD_TYPES
                    or field_name.startswith("_")
                    or field_name in models.MAGIC_COLUMNS
                    or not self._can_read_field(field)
                ):
                    continue
                label = field._description_string(self.env)
                catalogue.append(
                    (f"{root}{MERGE_SEPARATOR}{field_name}", f"{model._description}: {label}")
                )
                if field.type == "many2one" and "name" in self.env[field.comodel_name]._fields:
                    catalogue.append(
                        (
                            f"{root}{MERGE_SEPARATOR}{field_name}{MERGE_SEPARATOR}name",
                            f"{model._description}: {label} ({_('name')})",
                        )
                    )
        return catalogue

    def _check_document_template(self):
        self.ensure_one()
        if not self.document_template:
            raise UserError(_("Step %(step)s has no document template to merge.", step=self.name))
        unknown = [
            name for name in self._get_document_merge_fields() if not self._get_merge_chain(name)
        ]
        if unknown:
            raise UserError(
                _(
                    "The document template of step %(step)s has unknown merge fields: "
                    "%(fields)s. Correct them in Word (see Download Field List).",
                    step=self.name,
                    fields=", ".join(unknown),
                )
            )

    # ---- Merge --------------------------------------------------------------------------------

    def _get_merge_records(self, target):
        """The records the merge field roots designate for ``target``."""
        return {
            "partner": target.partner_id,
            "contact": target.contact_ids[:1].partner_id,
            "operation": self.operation_id,
            "step": self,
            "user": self.env.user,
            "target": target,
        }

    def _merge_value(self, record, chain):
        related = record
        for field in chain[:-1]:
            related = related[field.name] if len(related) <= 1 else related.mapped(field.name)
        last = chain[-1]
        texts = []
        for rec in related:
            value = rec[last.name]
            if last.type in ("many2one", "many2many"):
                texts.extend(name for name in value.mapped("display_name") if name)
            elif last.type == "selection":
                if value:
                    texts.append(dict(last._description_selection(self.env)).get(value, value))
            elif last.type == "date":
                if value:
                    texts.append(format_date(self.env, value))
            elif last.type == "datetime":
                if value:
                    texts.append(format_datetime(self.env, value))
            elif last.type == "boolean":
                texts.append(_("Yes") if value else _("No"))
            elif value or value == 0:
                texts.append(str(value))
        return ", ".join(texts)

    def _prepare_merge_values(self, targets, names):
        """One dict {merge field: text} per target, in the order of ``targets``."""
        chains = {name: self._get_merge_chain(name) for name in names}
        today = format_date(self.env, fields.Date.context_today(self))
        rows = []
        for target in targets:
            records = self._get_merge_records(target)
            row = {}
            for name, (root, chain) in chains.items():
                row[name] = today if root == "today" else self._merge_value(records[root], chain)
            rows.append(row)
        return rows

    def _render_document_merge(self, targets):
        """The step's document template merged for ``targets`` (bytes of a .docx), one section
        per target."""
        self.ensure_one()
        self._check_document_template()
        template = base64.b64decode(self.document_template)
        with MailMerge(io.BytesIO(template)) as document:
            rows = self._prepare_merge_values(targets, document.get_merge_fields())
            document.merge_templates(rows, separator="nextPage_section")
            output = io.BytesIO()
            document.write(output)
        return output.getvalue()

    def _get_document_name(self, suffix):
        base = (self.document_template_name or "").rsplit(".", 1)[0] or self.name
        return f"{base} - {suffix}.docx".replace("/", "-")

    # ---- Launch -------------------------------------------------------------------------------

    def _launch_document_mailing(self, targets):
        """Merge the letter of ``targets`` into one document attached to the step, give them
        the step's final status, and attach each partner's letter to its event if asked."""
        content = self._render_document_merge(targets)
        self._attach_output(self._get_document_name(_("merged")), content, DOCX_MIMETYPE)
        launched = self._launch_default(targets)
        if self.document_per_partner:
            self._attach_partner_documents(launched)
        return launched

    def _attach_partner_documents(self, targets):
        attachments = []
        for target in targets:
            content = self._render_document_merge(target)
            holder = target.event_id or target.partner_id
            attachments.append(
                {
                    "name": self._get_document_name(target.partner_id.name or ""),
                    "raw": content,
                    "mimetype": DOCX_MIMETYPE,
                    "res_model": holder._name,
                    "res_id": holder.id,
                }
            )
        # whoever may launch the step attaches its letters to the partners and their events
        self.check_access("write")
        self.env["ir.attachment"].sudo().create(attachments)

    # ---- Actions ------------------------------------------------------------------------------

    def action_download_field_list(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=document_field_list"
            f"&filename={_('merge_fields')}.txt&download=true",
            "target": "self",
        }
