import io
from datetime import date, datetime

import xlsxwriter

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    _export_batch_size = 5000

    export_column_ids = fields.One2many(
        "marketing.export.column",
        "step_id",
        string="Export Columns",
        copy=True,
        help="The columns of the spreadsheet export; the step type's default columns when empty.",
    )

    def _get_export_columns(self):
        self.ensure_one()
        return self.export_column_ids or self.step_type_id.export_column_ids

    def _launch_spreadsheet_export(self, targets):
        """Export ``targets`` to a spreadsheet attached to the step, then give them the step's
        final status."""
        content = self._render_export_xlsx(targets)
        self._attach_output(
            _("%(step)s.xlsx", step=self.name.replace("/", "-")), content, XLSX_MIMETYPE
        )
        return self._launch_default(targets)

    def _render_export_xlsx(self, targets):
        """The XLSX file (bytes) of ``targets``: one header row, one row per target."""
        self.ensure_one()
        columns = self._get_export_columns()
        if not columns:
            raise UserError(
                _("Step %(step)s has no export columns, nor has its type.", step=self.name)
            )
        Column = self.env["marketing.export.column"]
        chains = [Column._get_path_fields(column.field_path) for column in columns]
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False})
        sheet = workbook.add_worksheet(
            self.name[:31].translate(str.maketrans("[]:*?/\\", "(()---_"))
        )
        header = workbook.add_format({"bold": True})
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        for col, column in enumerate(columns):
            sheet.write_string(0, col, column.name, header)
            sheet.set_column(col, col, max(12, len(column.name) + 2))
        sheet.freeze_panes(1, 0)
        row = 1
        self.env.flush_all()
        Target = targets.with_context(active_test=False).browse()
        for start in range(0, len(targets), self._export_batch_size):
            batch = Target.browse(targets._ids[start : start + self._export_batch_size])
            values = [self._export_values(batch, chain) for chain in chains]
            for record_values in zip(*values, strict=True):
                for col, value in enumerate(record_values):
                    if value is None:
                        continue
                    if isinstance(value, datetime):
                        sheet.write_datetime(row, col, value, datetime_format)
                    elif isinstance(value, date):
                        sheet.write_datetime(row, col, value, date_format)
                    elif isinstance(value, bool):
                        sheet.write_boolean(row, col, value)
                    elif isinstance(value, int | float):
                        sheet.write_number(row, col, value)
                    else:
                        sheet.write_string(row, col, value)
                row += 1
            # the rows are written: keep the memory of one batch only
            self.env.invalidate_all()
        workbook.close()
        return output.getvalue()

    def _export_values(self, records, chain):
        """The value of the field ``chain`` for each of ``records``: a single value as itself,
        several values (through an x2many) joined by commas."""
        *relations, last = chain
        result = []
        for record in records:
            related = record
            for field in relations:
                related = related[field.name] if len(related) <= 1 else related.mapped(field.name)
            values = [self._export_cell(rec, last) for rec in related]
            values = [value for value in values if value not in (None, "")]
            if not values:
                result.append(None)
            elif len(values) == 1:
                result.append(values[0])
            else:
                result.append(", ".join(str(value) for value in values))
        return result

    def _export_cell(self, record, field):
        value = record[field.name]
        if field.type in ("many2one", "one2many", "many2many"):
            return ", ".join(name for name in value.mapped("display_name") if name) or None
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value) if value else None
        if field.type == "datetime":
            return (
                fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)
                if value
                else None
            )
        if field.type == "boolean":
            return value
        if field.type in ("integer", "float", "monetary"):
            return value
        if field.type == "date":
            return value or None
        if field.type == "html":
            return html2plaintext(value) if value else None
        return str(value) if value else None
