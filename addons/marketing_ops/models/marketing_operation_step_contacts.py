import unicodedata

from odoo import _, models
from odoo.exceptions import UserError


def _fold(text):
    """``text`` without case and accents, to compare job positions."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class MarketingOperationStep(models.Model):
    _inherit = "marketing.operation.step"

    def _add_contacts_by_function(self, functions):
        """For the targeted companies of this step, target those of their contacts whose job
        position contains one of ``functions`` (case- and accent-insensitive).

        :return: the contacts added (``res.partner``)
        """
        self.ensure_one()
        patterns = [_fold(f).strip() for f in functions if f and f.strip()]
        if not patterns:
            raise UserError(_('Give at least one function, e.g. "purchas" or "quality".'))
        targets = self.target_ids.filtered("partner_is_company")
        contacts = self.env["res.partner"].search(
            [
                ("parent_id", "in", targets.partner_id.ids),
                ("is_company", "=", False),
                ("function", "!=", False),
            ]
        )
        matching = contacts.filtered(
            lambda c: any(pattern in _fold(c.function) for pattern in patterns)
        )
        already = targets.contact_ids.partner_id
        added = matching - already
        self._add_targets(added)
        return added

    def action_add_contacts_by_function(self):
        return self._open_wizard("marketing.operation.step.function", _("Contacts by Function"))
