"""Mass emailing steps: the targets become the recipients of one host mailing."""

from odoo import _, fields, models
from odoo.exceptions import UserError


class MarketingOperationStep(models.Model):
    """Mass emailing steps: the targets still to process become the recipients of one host
    mailing (``mailing.mailing``), which the user reviews and sends; its tracking, statistics and
    outgoing server apply. Targets take the step's final status when the mailing is sent."""

    _inherit = "marketing.operation.step"

    mailing_id = fields.Many2one(
        "mailing.mailing", copy=False, index="btree_not_null", readonly=True
    )
    mass_mail_server_id = fields.Many2one(
        "ir.mail_server",
        string="Mass Mailing Server",
        help="Outgoing server of the step's mailing (e.g. a bulk relay); the mailing's default "
        "when empty.",
    )
    mailing_state = fields.Selection(related="mailing_id.state", string="Mailing Status")
    mailing_sent = fields.Integer(related="mailing_id.sent", string="Sent")
    mailing_opened = fields.Integer(related="mailing_id.opened", string="Opened")
    mailing_clicked = fields.Integer(related="mailing_id.clicked", string="Clicked")
    mailing_replied = fields.Integer(related="mailing_id.replied", string="Replied")
    mailing_bounced = fields.Integer(related="mailing_id.bounced", string="Bounced")

    # ---- Launch -------------------------------------------------------------------------------------

    def _launch_mass_emailing(self, targets):
        """Create or update the step's mailing for ``targets``; nothing is sent yet."""
        self.ensure_one()
        if self.mailing_id.state in ("sending", "done"):
            raise UserError(
                _(
                    "The mailing of step %(step)s is already sent: add a new step for the "
                    "targets still to process.",
                    step=self.name,
                )
            )
        recipients = self.env["res.partner"].union(*self._get_mail_recipients(targets).values())
        values = self._prepare_mailing_values(recipients)
        if self.mailing_id:
            self.mailing_id.write(values)
        else:
            self.mailing_id = self.env["mailing.mailing"].create(values)
        return targets

    def _prepare_mailing_values(self, recipients):
        template = self.mail_template_id
        public_name = _(
            "%(operation)s: %(step)s",
            operation=self.operation_id._get_public_name(),
            step=self._get_public_name(),
        )
        values = {
            "subject": template.subject or public_name,
            "body_arch": template.body_html or "",
            "body_html": template.body_html or "",
            "mailing_type": "mail",
            "mailing_model_id": self.env["ir.model"]._get_id("res.partner"),
            "mailing_domain": repr([("id", "in", recipients.ids)]),
            "campaign_id": self.operation_id.utm_campaign_id.id,
            "attachment_ids": [
                fields.Command.set((template.attachment_ids | self.attachment_ids).ids)
            ],
            "marketing_step_id": self.id,
        }
        if not self.mailing_id:
            values["name"] = public_name
        if template.email_from:
            values["email_from"] = template.email_from
        if self.mass_mail_server_id:
            values["mail_server_id"] = self.mass_mail_server_id.id
        return values

    def _close_mailing_targets(self):
        """The step's mailing is sent: its targets still to process take the final status, or
        the "not processed" one when none of their recipients got the mailing."""
        self.ensure_one()
        mailing = self.mailing_id
        todo = self.target_ids.filtered(lambda t: t.state_id.kind == "todo")
        if not todo:
            return
        recipients_by_target = self._get_mail_recipients(todo)
        traces = (
            self.env["mailing.trace"]
            .sudo()
            .search([("mass_mailing_id", "=", mailing.id), ("model", "=", "res.partner")])
        )
        sent = {trace.res_id for trace in traces if trace.trace_status not in ("cancel", "error")}
        final = self._get_launch_state()
        skipped_state = self.env["marketing.target.state"]._get_by_kind("skipped") or final
        sent_targets = todo.filtered(lambda t: any(p.id in sent for p in recipients_by_target[t]))
        sent_targets.contact_ids.write({"state_id": final.id})
        sent_targets.write({"state_id": final.id})
        skipped_targets = todo - sent_targets
        skipped_targets.contact_ids.write({"state_id": skipped_state.id})
        skipped_targets.write({"state_id": skipped_state.id})
        for target in skipped_targets:
            note = _("Not sent by the mailing (blacklisted, opted out or without email).")
            target.notes = f"{target.notes}\n{note}" if target.notes else note
        self._generate_events(sent_targets)

    # ---- Actions ------------------------------------------------------------------------------------

    def action_view_mailing(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "res_id": self.mailing_id.id,
            "view_mode": "form",
            "target": "current",
        }
