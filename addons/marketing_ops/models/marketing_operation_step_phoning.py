from odoo import _, models
from odoo.exceptions import UserError


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    def _check_can_start_calls(self):
        self.ensure_one()
        if not self.is_final or self.kind != "phoning":
            raise UserError(
                _("Step %(step)s is not a phoning step: it has no call session.", step=self.name)
            )
        if not self.survey_id:
            raise UserError(
                _("Phoning step %(step)s needs its questionnaire before calling.", step=self.name)
            )
        if not self.target_todo_count:
            raise UserError(_("Step %(step)s has no target left to process.", step=self.name))

    def action_start_calls(self):
        """Open a call session on this phoning step's targets still to process."""
        self.ensure_one()
        self._check_can_start_calls()
        session = self.env["marketing.operation.call.session"].create({"step_id": self.id})
        return session._get_action()
