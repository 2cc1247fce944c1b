from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError


class MarketingAutomationTemplate(models.Model):
    """A ready-made campaign that users create in one click."""

    _name = "marketing.automation.template"
    _description = "Automated Campaign Template"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    key = fields.Char(required=True, readonly=True)
    active = fields.Boolean(default=True)

    _sql_constraints = [("key_uniq", "UNIQUE(key)", "A template key is unique.")]

    def action_create_campaign(self):
        self.ensure_one()
        campaign = self.env["marketing.automation.campaign"]._create_from_template(self.key)
        return {
            "type": "ir.actions.act_window",
            "res_model": "marketing.automation.campaign",
            "res_id": campaign.id,
            "view_mode": "form",
            "target": "current",
        }


class MarketingAutomationCampaign(models.Model):
    _inherit = "marketing.automation.campaign"

    # ------------------------------------------------------------------ TEMPLATES

    @api.model
    def _create_from_template(self, key):
        builder = getattr(self, f"_template_{key}", None)
        if not builder:
            raise UserError(_("Unknown campaign template: %(key)s", key=key))
        return builder()

    @api.model
    def _template_body(self, title, text, link_label=None, link_url=None):
        link = ""
        if link_label:
            link = Markup('<p><a href="%s">%s</a></p>') % (link_url, link_label)
        return Markup(
            '<div class="o_layout"><h1>%s</h1><p>%s <t t-out="object.name"/>,</p><p>%s</p>%s</div>'
        ) % (title, _("Hello"), text, link)

    @api.model
    def _template_mailing_vals(self, subject, body):
        return {"mailing_subject": subject, "activity_type": "email", "_body": body}

    @api.model
    def _template_create(self, campaign_vals, activities):
        """Create a campaign and its activity tree from nested dicts (``children`` key)."""
        campaign = self.create(campaign_vals)

        def create_level(specs, parent):
            for spec in specs:
                spec = dict(spec)
                children = spec.pop("children", [])
                body = spec.pop("_body", None)
                server_action = spec.pop("_server_action", None)
                activity = self.env["marketing.automation.activity"].create(
                    dict(spec, campaign_id=campaign.id, parent_id=parent.id)
                )
                if body:
                    activity.mailing_id.write({"body_arch": body, "body_html": body})
                if server_action:
                    activity.sudo().server_action_id = self.env.ref(server_action)
                create_level(children, activity)

        create_level(activities, self.env["marketing.automation.activity"])
        return campaign

    @api.model
    def _get_or_create_tag(self, model, name):
        # tags are shared labels: a marketing user may create the template's ones
        Tag = self.env[model].sudo()
        tag = Tag.search([("name", "=", name)], limit=1)
        return (tag or Tag.create({"name": name})).sudo(False)

    @api.model
    def _template_tag_hot(self):
        hot = self._get_or_create_tag("res.partner.category", _("Hot"))
        return self._template_create(
            {
                "name": _("Tag hot contacts"),
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": "[('email', '!=', False)]",
            },
            [
                {
                    "name": _("Welcome email"),
                    "trigger_type": "begin",
                    "interval_number": 1,
                    "interval_type": "hours",
                    **self._template_mailing_vals(
                        _("Welcome!"),
                        self._template_body(
                            _("Welcome!"),
                            _("We are glad to count you among our contacts."),
                            _("Discover our offers"),
                            "https://www.example.com/offers",
                        ),
                    ),
                    "children": [
                        {
                            "name": _("Tag as hot"),
                            "trigger_type": "mail_click",
                            "activity_type": "tags_add",
                            "partner_category_ids": [(6, 0, hot.ids)],
                        }
                    ],
                }
            ],
        )

    @api.model
    def _template_welcome(self):
        return self._template_create(
            {
                "name": _("Welcome flow"),
                "model_id": self.env["ir.model"]._get_id("mailing.contact"),
                "domain": "[('email', '!=', False)]",
                "unique_field_id": self.env["ir.model.fields"]._get("mailing.contact", "email").id,
            },
            [
                {
                    "name": _("Welcome email"),
                    "trigger_type": "begin",
                    **self._template_mailing_vals(
                        _("Welcome to our newsletter"),
                        self._template_body(
                            _("Welcome!"),
                            _("Thank you for subscribing to our newsletter."),
                        ),
                    ),
                    "children": [
                        {
                            "name": _("Remove the bounced address"),
                            "trigger_type": "mail_bounce",
                            "activity_type": "server_action",
                            "_server_action": (
                                "marketing_automation_ext.ir_actions_server_blacklist_email"
                            ),
                        }
                    ],
                }
            ],
        )

    @api.model
    def _template_double_optin(self):
        confirmed = self._get_or_create_tag("res.partner.category", _("Confirmed"))
        return self._template_create(
            {
                "name": _("Double opt-in"),
                "model_id": self.env["ir.model"]._get_id("mailing.contact"),
                "domain": "[('email', '!=', False)]",
            },
            [
                {
                    "name": _("Confirmation email"),
                    "trigger_type": "begin",
                    **self._template_mailing_vals(
                        _("Please confirm your subscription"),
                        self._template_body(
                            _("One more step"),
                            _("Click the link below to confirm your subscription."),
                            _("Confirm my subscription"),
                            "https://www.example.com/confirm",
                        ),
                    ),
                    "children": [
                        {
                            "name": _("Mark as confirmed"),
                            "trigger_type": "mail_click",
                            "activity_type": "tags_add",
                            "partner_category_ids": [(6, 0, confirmed.ids)],
                        }
                    ],
                }
            ],
        )

    @api.model
    def _template_prospection(self):
        return self._template_create(
            {
                "name": _("Commercial prospection"),
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "domain": "[('email', '!=', False), ('is_company', '=', True)]",
            },
            [
                {
                    "name": _("Free catalogue"),
                    "trigger_type": "begin",
                    **self._template_mailing_vals(
                        _("Our catalogue, free for you"),
                        self._template_body(
                            _("Our new catalogue"),
                            _("Download our catalogue: it is free."),
                            _("Download the catalogue"),
                            "https://www.example.com/catalogue",
                        ),
                    ),
                    "children": [
                        {
                            "name": _("Call the interested ones"),
                            "trigger_type": "mail_click",
                            "activity_type": "schedule_activity",
                            "mail_activity_type_id": self.env.ref(
                                "mail.mail_activity_data_call"
                            ).id,
                            "mail_activity_summary": _("Follow up on the catalogue"),
                            "mail_activity_deadline_days": 2,
                        },
                        {
                            "name": _("Reminder"),
                            "trigger_type": "mail_not_open",
                            "interval_number": 3,
                            "interval_type": "days",
                            **self._template_mailing_vals(
                                _("Did you see our catalogue?"),
                                self._template_body(
                                    _("Our catalogue is waiting for you"),
                                    _("It is still free, and it is still here."),
                                    _("Download the catalogue"),
                                    "https://www.example.com/catalogue",
                                ),
                            ),
                        },
                    ],
                }
            ],
        )

    @api.model
    def _template_schedule_calls(self):
        return self._template_create(
            {
                "name": _("Schedule calls"),
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain": "[('partner_id', '!=', False)]",
            },
            [
                {
                    "name": _("Call the contact"),
                    "trigger_type": "begin",
                    "activity_type": "schedule_activity",
                    "mail_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "mail_activity_summary": _("Call about the new lead"),
                    "mail_activity_deadline_days": 1,
                    "mail_activity_user_mode": "salesperson",
                }
            ],
        )

    @api.model
    def _template_hot_leads(self):
        return self._template_create(
            {
                "name": _("Prioritise hot leads"),
                "model_id": self.env["ir.model"]._get_id("crm.lead"),
                "domain": "[('email_from', '!=', False), ('type', '=', 'lead')]",
            },
            [
                {
                    "name": _("Email new leads"),
                    "trigger_type": "begin",
                    **self._template_mailing_vals(
                        _("Thank you for your interest"),
                        self._template_body(
                            _("Thank you for your interest"),
                            _("Our team will contact you shortly."),
                        ),
                    ),
                    "children": [
                        {
                            "name": _("Raise the priority"),
                            "trigger_type": "mail_open",
                            "activity_type": "server_action",
                            "_server_action": (
                                "marketing_automation_ext.ir_actions_server_lead_priority_high"
                            ),
                        }
                    ],
                }
            ],
        )
