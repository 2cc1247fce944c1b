"""Label mailing steps: the addresses of the targets printed on labels or envelopes."""

from odoo import _, fields, models
from odoo.exceptions import UserError

LABEL_REPORT = "marketing_ops.action_report_marketing_label"


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    label_format_id = fields.Many2one(
        "marketing.label.format",
        help="The sheet of labels or the envelope the step prints its addresses on.",
    )
    label_copies = fields.Integer(
        string="Labels per Address", default=1, help="How many labels each address gets."
    )

    def _get_label_recipients(self, targets, label_format):
        """The partners to print, in the order of ``targets``: each partner, or its targeted
        contacts when the format prints one label per contact."""
        recipients = []
        for target in targets:
            if label_format.per == "contact" and target.contact_ids:
                recipients.extend(target.contact_ids.partner_id)
            else:
                recipients.append(target.partner_id)
        return recipients

    def _get_label_addresses(self, targets, label_format):
        """The lines of each label: the name, then the address as the country formats it."""
        addresses = []
        for partner in self._get_label_recipients(targets, label_format):
            lines = [] if partner.is_company else [partner.name or ""]
            lines += [line for line in partner._display_address().split("\n") if line.strip()]
            addresses.append(lines)
        return addresses

    def _render_labels_pdf(self, targets, label_format=None):
        """The PDF (bytes) of the labels or envelopes of ``targets``."""
        self.ensure_one()
        label_format = label_format or self.label_format_id
        if not label_format:
            raise UserError(_("Step %(step)s needs a label format to print.", step=self.name))
        report = self.env.ref(LABEL_REPORT).with_context(marketing_label_format_id=label_format.id)
        content, _report_type = report._render_qweb_pdf(
            LABEL_REPORT,
            res_ids=self.ids,
            data={
                "target_ids": targets.ids,
                "label_format_id": label_format.id,
                "copies": self.label_copies,
            },
        )
        return content

    def _launch_label_mailing(self, targets):
        """Print the labels of ``targets`` into a PDF attached to the step, then give them the
        step's final status."""
        content = self._render_labels_pdf(targets)
        self._attach_output(
            _("%(step)s - labels.pdf", step=self.name.replace("/", "-")), content, "application/pdf"
        )
        return self._launch_default(targets)
