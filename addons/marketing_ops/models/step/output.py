"""The file a step's launch generates, attached to the step for download."""

from odoo import _, fields, models
from odoo.exceptions import UserError


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    output_attachment_id = fields.Many2one(
        "ir.attachment",
        string="Last Generated File",
        copy=False,
        readonly=True,
        help="The file the last launch of this step generated (merged letters, labels, export).",
    )
    output_name = fields.Char(related="output_attachment_id.name", string="Generated File")

    def _attach_output(self, name, content, mimetype):
        """Attach ``content`` to the step as its last generated file."""
        self.ensure_one()
        # whoever may launch the step may attach its outputs
        self.check_access("write")
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "raw": content,
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        self.output_attachment_id = attachment
        return attachment

    def _get_download_action(self, attachment):
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def action_download_output(self):
        self.ensure_one()
        if not self.output_attachment_id:
            raise UserError(_("Step %(step)s has generated no file yet.", step=self.name))
        return self._get_download_action(self.output_attachment_id)
