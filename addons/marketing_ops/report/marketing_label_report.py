from odoo import api, models

# Debian's wkhtmltopdf prints CSS at 0.768 of its size: each sheet is zoomed back to scale
PDF_ZOOM = 1.3016


class MarketingLabelReport(models.AbstractModel):
    _name = "report.marketing_ops.report_marketing_label"
    _description = "Marketing Labels and Envelopes"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        steps = self.env["marketing.operation.step"].browse(docids)
        label_format = self.env["marketing.label.format"].browse(data.get("label_format_id"))
        if not label_format:
            label_format = steps[:1].label_format_id
        targets = self.env["marketing.operation.target"].browse(data.get("target_ids") or [])
        if not data.get("target_ids"):
            targets = steps.target_ids
        addresses = steps[:1]._get_label_addresses(targets, label_format)
        copies = max(data.get("copies") or 1, 1)
        addresses = [lines for lines in addresses for _copy in range(copies)]
        per_page = label_format.rows * label_format.columns
        sheets = []
        for start in range(0, len(addresses), per_page):
            labels = []
            for index, lines in enumerate(addresses[start : start + per_page]):
                left, top = label_format._get_label_position(index)
                labels.append({"left": left, "top": top, "lines": lines})
            sheets.append(labels)
        return {
            "doc_ids": docids,
            "doc_model": "marketing.operation.step",
            "docs": steps,
            "label_format": label_format,
            "sheets": sheets,
            "zoom": PDF_ZOOM,
            "mm": lambda value: f"{value:.3f}mm",
        }
