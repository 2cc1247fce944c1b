"""The formats of labels and envelopes (``marketing.label.format``)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class MarketingLabelFormat(models.Model):
    """A sheet of labels, or an envelope (one address per page), in millimetres."""

    _name = "marketing.label.format"
    _description = "Marketing Label Format"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    format_type = fields.Selection(
        [("label", "Label sheet"), ("envelope", "Envelope")],
        string="Type",
        required=True,
        default="label",
    )
    page_width = fields.Integer(string="Page Width (mm)", required=True, default=210)
    page_height = fields.Integer(string="Page Height (mm)", required=True, default=297)
    rows = fields.Integer(required=True, default=7)
    columns = fields.Integer(required=True, default=3)
    margin_top = fields.Float(string="Top Margin (mm)", digits=(6, 2), default=0.0)
    margin_left = fields.Float(string="Left Margin (mm)", digits=(6, 2), default=0.0)
    label_width = fields.Float(string="Label Width (mm)", digits=(6, 2), required=True, default=70)
    label_height = fields.Float(
        string="Label Height (mm)", digits=(6, 2), required=True, default=42.3
    )
    gap_horizontal = fields.Float(
        string="Horizontal Gap (mm)",
        digits=(6, 2),
        help="Space between two labels of a row.",
    )
    gap_vertical = fields.Float(
        string="Vertical Gap (mm)",
        digits=(6, 2),
        help="Space between two rows of labels.",
    )
    padding = fields.Float(
        string="Inner Margin (mm)",
        digits=(6, 2),
        default=4.0,
        help="Space between the edge of a label and its text.",
    )
    font_size = fields.Integer(string="Font Size (pt)", required=True, default=10)
    per = fields.Selection(
        [("partner", "One per partner"), ("contact", "One per contact")],
        string="Labels",
        required=True,
        default="partner",
        help="One per contact prints a label for each targeted contact of a partner (the "
        "partner itself when none is targeted).",
    )
    labels_per_page = fields.Integer(compute="_compute_labels_per_page")

    @api.depends("rows", "columns")
    def _compute_labels_per_page(self):
        for label_format in self:
            label_format.labels_per_page = label_format.rows * label_format.columns

    @api.constrains(
        "page_width",
        "page_height",
        "rows",
        "columns",
        "margin_top",
        "margin_left",
        "label_width",
        "label_height",
        "gap_horizontal",
        "gap_vertical",
        "font_size",
    )
    def _check_geometry(self):
        for fmt in self:
            if min(fmt.rows, fmt.columns, fmt.page_width, fmt.page_height, fmt.font_size) <= 0:
                raise ValidationError(
                    _(
                        "Label format %(name)s: page size, rows, columns and font size must be "
                        "positive.",
                        name=fmt.name,
                    )
                )
            if (
                min(fmt.label_width, fmt.label_height) <= 0
                or min(
                    fmt.margin_top,
                    fmt.margin_left,
                    fmt.gap_horizontal,
                    fmt.gap_vertical,
                    fmt.padding,
                )
                < 0
            ):
                raise ValidationError(
                    _(
                        "Label format %(name)s: label sizes must be positive, margins and gaps "
                        "cannot be negative.",
                        name=fmt.name,
                    )
                )
            width = fmt.margin_left + fmt.columns * fmt.label_width
            width += (fmt.columns - 1) * fmt.gap_horizontal
            height = fmt.margin_top + fmt.rows * fmt.label_height
            height += (fmt.rows - 1) * fmt.gap_vertical
            if width > fmt.page_width + 0.01 or height > fmt.page_height + 0.01:
                raise ValidationError(
                    _(
                        "Label format %(name)s: %(rows)s x %(columns)s labels take %(width)s x "
                        "%(height)s mm, more than the %(page_width)s x %(page_height)s mm page.",
                        name=fmt.name,
                        rows=fmt.rows,
                        columns=fmt.columns,
                        width=round(width, 2),
                        height=round(height, 2),
                        page_width=fmt.page_width,
                        page_height=fmt.page_height,
                    )
                )

    def _get_label_position(self, index):
        """(left, top) in mm of the label ``index`` (0-based) on its page."""
        self.ensure_one()
        position = index % (self.rows * self.columns)
        row, column = divmod(position, self.columns)
        left = self.margin_left + column * (self.label_width + self.gap_horizontal)
        top = self.margin_top + row * (self.label_height + self.gap_vertical)
        return left, top

    def _get_paperformat(self):
        """A paper format of the page, without margins, for the PDF engine."""
        self.ensure_one()
        return self.env["report.paperformat"].new(
            {
                "name": self.name,
                "format": "custom",
                "page_width": self.page_width,
                "page_height": self.page_height,
                "orientation": "Portrait",
                "margin_top": 0,
                "margin_bottom": 0,
                "margin_left": 0,
                "margin_right": 0,
                "header_line": False,
                "header_spacing": 0,
                "dpi": 96,
            }
        )
