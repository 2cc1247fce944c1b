"""Spreadsheet export steps: the targets exported to an XLSX file, in the step's columns."""

import io
from datetime import date, datetime

import xlsxwriter

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, html2plaintext

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _join_cell_values(values):
    """One cell of several values: nothing when empty, a single value as itself, several joined
    by commas (the values reached through an x2many)."""
    values = [value for value in values if value not in (None, "")]
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return ", ".join(str(value) for value in values)


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    _export_batch_size = 20000

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
        # rows are written in order: each one is flushed to a temporary file once the next one
        # starts, with its strings inline (no table of shared strings to build and keep)
        workbook = xlsxwriter.Workbook(
            output, {"constant_memory": True, "strings_to_formulas": False}
        )
        sheet = workbook.add_worksheet(
            self.name[:31].translate(str.maketrans("[]:*?/\\", "(()---_"))
        )
        header = workbook.add_format({"bold": True})
        formats = {
            "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        }
        write_string, write_number = sheet.write_string, sheet.write_number
        for col, column in enumerate(columns):
            sheet.write_string(0, col, column.name, header)
            sheet.set_column(col, col, max(12, len(column.name) + 2))
        sheet.freeze_panes(1, 0)
        row = 1
        self._flush_export_chains(chains)
        Target = targets.with_context(active_test=False).browse()
        for start in range(0, len(targets), self._export_batch_size):
            batch = Target.browse(targets._ids[start : start + self._export_batch_size])
            values = [
                sql_values if sql_values is not None else self._export_values(batch, chain)
                for chain, sql_values in zip(
                    chains, self._export_values_sql(batch, chains), strict=True
                )
            ]
            for record_values in zip(*values, strict=True):
                for col, value in enumerate(record_values):
                    if value is None:
                        continue
                    kind = type(value)
                    if kind is str:
                        write_string(row, col, value)
                    elif kind is int or kind is float:
                        write_number(row, col, value)
                    else:
                        self._write_export_cell(sheet, row, col, value, formats)
                row += 1
            # the rows are written: keep the memory of one batch only
            self.env.invalidate_all()
        workbook.close()
        return output.getvalue()

    def _write_export_cell(self, sheet, row, col, value, formats):
        """Write a cell of another type than a plain string or number."""
        if isinstance(value, datetime):
            sheet.write_datetime(row, col, value, formats["datetime"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, formats["date"])
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value)
        elif isinstance(value, int | float):
            sheet.write_number(row, col, value)
        else:
            sheet.write_string(row, col, str(value))

    def _flush_export_chains(self, chains):
        """Write the pending values of the fields the export reads in SQL along ``chains``."""
        self.env["marketing.operation.target"].flush_model()
        for chain in chains:
            for field in self._expand_chain(chain) or ():
                self.env[field.model_name].flush_model([field.name])
                if field.type == "one2many":
                    self.env[field.comodel_name].flush_model([field.inverse_name])

    def _expand_chain(self, chain):
        """``chain`` with its related fields replaced by the fields they follow, or None when a
        field is neither stored nor related."""
        expanded = []
        model = self.env["marketing.operation.target"]
        for field in chain:
            if field.related and not field.store:
                related_model = model
                for name in field.related.split("."):
                    sub_field = related_model._fields[name]
                    if sub_field.related and not sub_field.store:
                        return None
                    expanded.append(sub_field)
                    if sub_field.relational:
                        related_model = self.env[sub_field.comodel_name]
                field = expanded[-1]
            elif not field.store:
                return None
            else:
                expanded.append(field)
            if field.relational:
                model = self.env[field.comodel_name]
        return expanded

    def _join_chain(self, query, relations):
        """Join the tables of ``relations`` (from the target) to ``query``.

        :return: (alias, model) of the last table, and [(model, id column)] of each table
            joined, or None when a relation cannot be joined
        """
        alias, model = query.table, self.env["marketing.operation.target"]
        levels = []
        for field in relations:
            comodel = self.env[field.comodel_name]
            coalias = query.make_alias(alias, field.name)
            if field.type == "many2one":
                condition = SQL(
                    "%s = %s", SQL.identifier(alias, field.name), SQL.identifier(coalias, "id")
                )
                query.add_join("LEFT JOIN", coalias, comodel._table, condition)
            elif field.type == "one2many" and comodel._fields[field.inverse_name].store:
                condition = SQL(
                    "%s = %s",
                    SQL.identifier(coalias, field.inverse_name),
                    SQL.identifier(alias, "id"),
                )
                query.add_join("LEFT JOIN", coalias, comodel._table, condition)
            elif field.type == "many2many" and field.store:
                relalias = query.make_alias(alias, field.relation)
                condition = SQL(
                    "%s = %s", SQL.identifier(relalias, field.column1), SQL.identifier(alias, "id")
                )
                query.add_join("LEFT JOIN", relalias, field.relation, condition)
                condition = SQL(
                    "%s = %s",
                    SQL.identifier(coalias, "id"),
                    SQL.identifier(relalias, field.column2),
                )
                query.add_join("LEFT JOIN", coalias, comodel._table, condition)
            else:
                return None
            comodel.check_access("read")
            levels.append((comodel, SQL.identifier(coalias, "id")))
            alias, model = coalias, comodel
        return (alias, model), levels

    def _export_values_sql(self, records, chains):
        """The values of :meth:`_export_values` for each chain of stored fields, read in one
        query for all the chains of single values and one query per chain through an x2many;
        None for the other chains. The records along a chain are readable ones only."""
        Target = records.browse()
        results = [None] * len(chains)
        single_query = Target._search([("id", "in", records.ids)])
        single = []  # (index, levels, value column, converter)
        for index, chain in enumerate(chains):
            chain = self._expand_chain(chain)
            if not chain or chain[-1].type in ("one2many", "many2many", "binary", "html"):
                continue
            *relations, last = chain
            multiple = any(field.type != "many2one" for field in relations)
            query = Target._search([("id", "in", records.ids)]) if multiple else single_query
            joined = self._join_chain(query, relations)
            if not joined:
                continue
            (alias, model), levels = joined
            value_sql = model._field_to_sql(alias, last.name, query)
            convert = self._get_export_converter(last)
            if multiple:
                results[index] = self._export_multiple_values(
                    records, query, levels, value_sql, convert
                )
            else:
                single.append((index, levels, value_sql, convert))
        if single:
            columns = [SQL.identifier(Target._table, "id")]
            for _index, levels, value_sql, _convert in single:
                columns.extend(sql for _model, sql in levels)
                columns.append(value_sql)
            rows = self.env.execute_query(single_query.select(*columns))
            position = {row[0]: number for number, row in enumerate(rows)}
            order = [position.get(record_id) for record_id in records._ids]
            offset = 1
            for index, levels, _value_sql, convert in single:
                forbidden = self._get_export_forbidden(rows, levels, offset)
                column = offset + len(levels)
                values = []
                for number in order:
                    row = rows[number] if number is not None else None
                    if row is None or (forbidden and any(row[i] in ids for i, ids in forbidden)):
                        values.append(None)
                        continue
                    value = convert(row[column])
                    values.append(None if value is None or value == "" else value)
                results[index] = values
                offset = column + 1
        return results

    def _get_export_forbidden(self, rows, levels, offset):
        """[(column, ids the user may not read)] of the tables joined for a chain."""
        if self.env.su:
            return []
        forbidden = []
        for number, (comodel, _sql) in enumerate(levels):
            column = offset + number
            records = comodel.browse({row[column] for row in rows if row[column]})
            ids = set((records - records._filtered_access("read")).ids)
            if ids:
                forbidden.append((column, ids))
        return forbidden

    def _export_multiple_values(self, records, query, levels, value_sql, convert):
        """The values of a chain through an x2many, joined by commas per record."""
        columns = [SQL.identifier(query.table, "id"), *(sql for _model, sql in levels)]
        # the values of one record in the order of the records they come from
        query.order = SQL(", ").join(columns)
        rows = self.env.execute_query(query.select(*columns, value_sql))
        forbidden = self._get_export_forbidden(rows, levels, 1)
        values_by_record = {}
        for row in rows:
            # nothing reached, or not readable
            if row[-2] is None or any(row[i] in ids for i, ids in forbidden):
                continue
            # the same record reached twice gives its value once
            values_by_record.setdefault(row[0], {}).setdefault(row[-2], row[-1])
        return [
            _join_cell_values(
                convert(value) for value in values_by_record.get(record_id, {}).values()
            )
            for record_id in records._ids
        ]

    def _get_export_converter(self, field):
        """From a column value of ``field`` to the value of its cell."""
        if field.type == "many2one":
            comodel = self.env[field.comodel_name]
            cache = {}

            def display_name(value):
                if value and value not in cache:
                    cache[value] = comodel.browse(value).display_name
                return cache.get(value) if value else None

            return display_name
        if field.type == "selection":
            labels = dict(field._description_selection(self.env))
            return lambda value: labels.get(value) if value else None
        if field.type == "datetime":
            return lambda value: (
                fields.Datetime.context_timestamp(self, value).replace(tzinfo=None)
                if value
                else None
            )
        if field.type == "boolean":
            return bool
        if field.type in ("integer", "float", "monetary"):
            # the ORM reads an empty number as zero
            return lambda value: value or 0
        if field.type == "date":
            return lambda value: value
        return lambda value: str(value) if value else None

    def _export_values(self, records, chain):
        """The value of the field ``chain`` for each of ``records``: a single value as itself,
        several values (through an x2many) joined by commas."""
        *relations, last = chain
        result = []
        for record in records:
            related = record
            for field in relations:
                related = related[field.name] if len(related) <= 1 else related.mapped(field.name)
            result.append(_join_cell_values(self._export_cell(rec, last) for rec in related))
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
