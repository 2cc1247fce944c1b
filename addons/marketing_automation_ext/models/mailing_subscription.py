from odoo import api, fields, models


class MailingSubscription(models.Model):
    """The record of a marketing list's source a subscription comes from (the contact,
    company, lead or project whose address entered the list)."""

    _inherit = "mailing.subscription"

    marketing_source_ref = fields.Reference(
        selection="_selection_marketing_source_ref",
        string="Source Record",
        readonly=True,
        copy=False,
        help="The record of the list's sources this contact entered the list from.",
    )
    marketing_contact_email = fields.Char(related="contact_id.email", string="Email")

    @api.model
    def _selection_marketing_source_ref(self):
        labels = {
            "res.partner": self.env._("Contact"),
            "crm.lead": self.env._("Lead/Opportunity"),
            "project.project": self.env._("Project"),
        }
        names = self.env["marketing.automation.list.source"]._get_source_model_names()
        return [(name, labels[name]) for name in names]
