"""A targeted contact of a targeted company (``marketing.operation.target.contact``)."""

from odoo import _, fields, models

from .operation.marketing_operation import OPERATION_ACCESS_FIELDS


class MarketingOperationTargetContact(models.Model):
    """A contact of a targeted company, targeted in the same step, with its own status."""

    _name = "marketing.operation.target.contact"
    _description = "Marketing Operation Targeted Contact"
    _order = "target_id, partner_id"
    _rec_name = "partner_id"
    _inherit = ["marketing.confidential.mixin"]

    target_id = fields.Many2one(
        "marketing.operation.target", required=True, index=True, ondelete="cascade"
    )
    step_id = fields.Many2one(related="target_id.step_id", store=True, index=True)
    operation_id = fields.Many2one(related="target_id.operation_id", store=True)
    company_id = fields.Many2one(related="target_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade"
    )
    partner_email = fields.Char(related="partner_id.email")
    partner_phone = fields.Char(related="partner_id.phone")
    partner_function = fields.Char(related="partner_id.function")
    state_id = fields.Many2one(
        "marketing.target.state",
        string="Status",
        required=True,
        default=lambda self: self.env["marketing.target.state"]._get_by_kind("todo"),
    )
    state_kind = fields.Selection(related="state_id.kind", string="Status Kind")

    _sql_constraints = [
        (
            "target_partner_uniq",
            "unique(target_id, partner_id)",
            "This contact is already targeted.",
        ),
    ]

    def _get_neutral_name_depends(self):
        return [f"operation_id.{name}" for name in OPERATION_ACCESS_FIELDS]

    def _get_confidential_records(self):
        return self.filtered("operation_id.is_hidden")

    def _get_neutral_name(self):
        return _("Confidential target")

    def action_launch(self):
        """Launch the step for these contacts only: what the step sends to a contact goes at
        once (``_launch_contacts_<kind>`` of the step, when its kind sends), each contact once;
        a partner takes the final status when all its contacts have it."""
        for step, contacts in self.grouped("step_id").items():
            final = step._get_launch_state()
            launch = getattr(step, f"_launch_contacts_{step.kind}", None) if step.kind else None
            if launch:
                launch(contacts)
            else:
                contacts.write({"state_id": final.id})
            targets = contacts.target_id.filtered(
                lambda t, final=final: (
                    t.state_id != final and all(c.state_id == final for c in t.contact_ids)
                )
            )
            step._launch_targets(targets)
        return self.step_id._after_launch() if len(self.step_id) == 1 else True
