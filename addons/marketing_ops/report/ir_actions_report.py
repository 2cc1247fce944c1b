from odoo import models

LABEL_REPORT = "marketing_ops.report_marketing_label"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def get_paperformat(self):
        # labels and envelopes print on the page of their format, without margins
        format_id = self.env.context.get("marketing_label_format_id")
        if format_id and self.report_name == LABEL_REPORT:
            return self.env["marketing.label.format"].browse(format_id)._get_paperformat()
        return super().get_paperformat()

    def _prepare_html(self, html, report_model=False):
        bodies, res_ids, header, footer, paperformat_args = super()._prepare_html(
            html, report_model=report_model
        )
        if self.report_name == LABEL_REPORT:
            # labels fill the whole page: no header or footer, which some PDF engines refuse
            header = footer = False
        return bodies, res_ids, header, footer, paperformat_args
