"""Faxing steps: the emailing message sent through the email-to-fax gateway."""

import re

from odoo import _, models
from odoo.exceptions import UserError


class MarketingOperationStep(models.Model):
    """Faxing steps: the emailing message sent to ``<fax digits>@<gateway domain>``, the
    email-to-fax gateway of the operation's company."""

    _inherit = "marketing.operation.step"

    def _launch_faxing(self, targets):
        return self._launch_messages(targets)

    def _launch_contacts_faxing(self, contacts):
        return self._launch_contact_messages(contacts)

    def _check_can_send(self):
        if self.kind == "faxing" and not self.company_id.marketing_fax_gateway_domain:
            raise UserError(
                _(
                    "Set the email-to-fax gateway domain of %(company)s in the settings before "
                    "launching the faxing step %(step)s.",
                    company=self.company_id.name,
                    step=self.name,
                )
            )
        return super()._check_can_send()

    def _get_fax_address(self, partner):
        """The gateway address of ``partner``'s fax number, or False without a number."""
        digits = re.sub(r"\D", "", partner.fax or "")
        if not digits:
            return False
        return f"{digits}@{self.company_id.marketing_fax_gateway_domain}"

    def _get_trace_email(self, partner, address):
        if self.kind != "faxing":
            return super()._get_trace_email(partner, address)
        return address

    def _get_message_addresses(self, partners):
        if self.kind != "faxing":
            return super()._get_message_addresses(partners)
        addresses, skipped = {}, {}
        for partner in partners:
            address = self._get_fax_address(partner)
            if address:
                addresses[partner.id] = address
            else:
                skipped[partner.id] = _("%(partner)s: no fax number.", partner=partner.name)
        return addresses, skipped
