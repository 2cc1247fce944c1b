"""The types of steps (``marketing.step.type``) and the step fields each type requires."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

REQUIREMENT = [("unused", "Unused"), ("optional", "Optional"), ("mandatory", "Mandatory")]

# step field -> requirement field of the type that governs it
STEP_FIELD_REQUIREMENTS = {
    "date_planned": "date_requirement",
    "duration": "duration_requirement",
    "date_done": "date_done_requirement",
    "event_mode": "event_requirement",
    "survey_id": "survey_requirement",
    "document_template": "document_requirement",
    "attachment_ids": "attachment_requirement",
}


class MarketingStepType(models.Model):
    """Configurable type of step, mapped to a technical kind, with the step fields it uses."""

    _name = "marketing.step.type"
    _description = "Marketing Step Type"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    kind = fields.Selection(
        [
            ("phoning", "Phoning"),
            ("emailing", "Emailing"),
            ("mass_emailing", "Mass emailing"),
            ("document_mailing", "Document mailing"),
            ("label_mailing", "Label mailing"),
            ("faxing", "Faxing"),
            ("spreadsheet_export", "Spreadsheet export"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
        help="What the application does when a step of this type is launched.",
    )
    date_requirement = fields.Selection(
        REQUIREMENT, string="Planned Date", required=True, default="optional"
    )
    duration_requirement = fields.Selection(
        REQUIREMENT, string="Duration", required=True, default="optional"
    )
    date_done_requirement = fields.Selection(
        REQUIREMENT, string="Date Done", required=True, default="optional"
    )
    event_requirement = fields.Selection(
        REQUIREMENT, string="Event", required=True, default="optional"
    )
    survey_requirement = fields.Selection(
        REQUIREMENT, string="Questionnaire", required=True, default="unused"
    )
    document_requirement = fields.Selection(
        REQUIREMENT, string="Document", required=True, default="unused"
    )
    attachment_requirement = fields.Selection(
        REQUIREMENT, string="Attachments", required=True, default="optional"
    )
    description = fields.Text(translate=True)
    export_column_ids = fields.One2many(
        "marketing.export.column",
        "step_type_id",
        string="Default Export Columns",
        help="The columns of the spreadsheet exports of steps of this type that have none of "
        "their own.",
    )

    @api.constrains("kind", "survey_requirement")
    def _check_phoning_survey(self):
        for step_type in self:
            if step_type.kind == "phoning" and step_type.survey_requirement != "mandatory":
                raise ValidationError(
                    _(
                        "A phoning step type (%(name)s) must make the questionnaire mandatory.",
                        name=step_type.name,
                    )
                )
