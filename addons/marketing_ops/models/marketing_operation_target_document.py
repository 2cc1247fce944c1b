from odoo import _, models
from odoo.exceptions import UserError

from .step.document import DOCX_MIMETYPE
from .step.export import XLSX_MIMETYPE


class MarketingOperationTarget(models.Model):
    _inherit = "marketing.operation.target"

    def _get_whole_list(self):
        """The step of these targets and all its targets: mass actions apply to the whole
        list of the step, whichever targets are selected."""
        step = self.step_id
        if len(step) != 1:
            raise UserError(_("Select targets of one step: its whole list is printed or exported."))
        return step, self.search([("step_id", "=", step.id)])

    def _attach_and_download(self, step, name, content, mimetype):
        return step._get_download_action(step._attach_output(name, content, mimetype))

    def _print_addresses(self, format_type):
        step, targets = self._get_whole_list()
        label_format = step.label_format_id
        if label_format.format_type != format_type:
            label_format = self.env["marketing.label.format"].search(
                [("format_type", "=", format_type)], limit=1
            )
        if not label_format:
            raise UserError(_("No label format of this type is configured."))
        content = step._render_labels_pdf(targets, label_format)
        name = (
            _("%(step)s - labels.pdf", step=step.name)
            if format_type == "label"
            else _("%(step)s - envelopes.pdf", step=step.name)
        )
        return self._attach_and_download(step, name.replace("/", "-"), content, "application/pdf")

    def action_print_labels(self):
        return self._print_addresses("label")

    def action_print_envelopes(self):
        return self._print_addresses("envelope")

    def action_export_list(self):
        step, targets = self._get_whole_list()
        content = step._render_export_xlsx(targets)
        name = _("%(step)s.xlsx", step=step.name).replace("/", "-")
        return self._attach_and_download(step, name, content, XLSX_MIMETYPE)

    def action_merge_letter(self):
        step, targets = self._get_whole_list()
        content = step._render_document_merge(targets)
        return self._attach_and_download(
            step, step._get_document_name(_("merged")), content, DOCX_MIMETYPE
        )
