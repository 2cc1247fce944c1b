from odoo import fields, models


class MarketingStepType(models.Model):
    _inherit = "marketing.step.type"

    export_column_ids = fields.One2many(
        "marketing.export.column",
        "step_type_id",
        string="Default Export Columns",
        help="The columns of the spreadsheet exports of steps of this type that have none of "
        "their own.",
    )
