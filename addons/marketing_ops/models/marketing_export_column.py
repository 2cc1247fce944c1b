"""The columns of a spreadsheet export (``marketing.export.column``)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

EXPORT_MODEL = "marketing.operation.target"


class MarketingExportColumn(models.Model):
    """A column of a spreadsheet export: a header and a field path from the target, such as
    ``partner_id.country_id.code``. Columns belong to a step, or to a step type as its default
    layout."""

    _name = "marketing.export.column"
    _description = "Marketing Export Column"
    _order = "sequence, id"

    step_id = fields.Many2one("marketing.operation.step", index=True, ondelete="cascade")
    step_type_id = fields.Many2one("marketing.step.type", index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Header", required=True)
    field_path = fields.Char(
        required=True,
        help="Fields from the target separated by dots, e.g. partner_id.country_id.code or "
        "state_id.name; several values (tags, contacts) are joined by commas.",
    )

    _sql_constraints = [
        (
            "owner_check",
            "CHECK((step_id IS NULL) != (step_type_id IS NULL))",
            "An export column belongs either to a step or to a step type.",
        ),
    ]

    @api.constrains("field_path")
    def _check_field_path(self):
        for column in self:
            column._get_path_fields(column.field_path)

    @api.model
    def _get_path_fields(self, path):
        """The fields along ``path`` from the target, or a ValidationError naming the wrong
        segment."""
        model = self.env[EXPORT_MODEL]
        chain = []
        segments = (path or "").strip().split(".")
        for index, segment in enumerate(segments):
            field = model._fields.get(segment.strip())
            if not field:
                raise ValidationError(
                    _(
                        'Export path "%(path)s": "%(segment)s" is not a field of %(model)s.',
                        path=path,
                        segment=segment,
                        model=model._description,
                    )
                )
            chain.append(field)
            if index < len(segments) - 1:
                if not field.relational:
                    raise ValidationError(
                        _(
                            'Export path "%(path)s": "%(segment)s" is not a relation, nothing '
                            "can follow it.",
                            path=path,
                            segment=segment,
                        )
                    )
                model = self.env[field.comodel_name]
        return chain
