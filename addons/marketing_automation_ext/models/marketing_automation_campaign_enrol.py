from odoo import fields, models


class MarketingAutomationCampaignEnrol(models.Model):
    """How records enter a campaign (the enrolment modes) and whether they may enter again."""

    _inherit = "marketing.automation.campaign"

    enrol_by_filter = fields.Boolean(
        string="Enrol by Filter",
        default=True,
        help="The scheduler regularly enrols the records that match the filter.",
    )
    enrol_on_change = fields.Boolean(
        string="Enrol on Change",
        help="A record enters when it is created or changed so that it matches the filter, "
        "and leaves (removed, its scheduled steps canceled) when it stops matching.",
    )
    enrol_manually = fields.Boolean(
        help="Users add the records they select in the list of the target with the action "
        "'Add to campaign'; those that do not match the filter are refused.",
    )
    allow_reentry = fields.Boolean(
        string="Allow Re-entry",
        help="A record whose participation was completed or removed may enter again (a new "
        "participant); without it, a record enters once. With the filter mode, a record "
        "that still matches enters again at the next enrolment after it completed.",
    )
