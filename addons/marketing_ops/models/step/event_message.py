"""The emails a step sent, given to the events and activities it generated for the targets."""

import base64

from odoo import _, fields, models
from odoo.tools import html2plaintext


class MarketingOperationStepEventMessage(models.Model):
    """The sent emails of a step given to the events and activities it generated: their body and
    the message itself as an attachment."""

    _inherit = "marketing.operation.step"

    def _get_eml(self, mail):
        """The queued ``mail`` as an RFC 822 message (bytes)."""
        message = self.env["ir.mail_server"].build_email(
            email_from=mail.email_from,
            email_to=[mail.email_to],
            subject=mail.subject,
            body=mail.body_html,
            reply_to=mail.reply_to,
            message_id=mail.message_id,
            subtype="html",
            body_alternative=html2plaintext(mail.body_html or ""),
        )
        return message.as_bytes()

    def _attach_messages_to_events(self, targets, mail_by_partner):
        """Give the event or activity generated for each of ``targets`` the messages sent to it
        (``mail_by_partner``, and those its contacts got when launched one by one): their body,
        and an ``.eml`` attachment of each."""
        if self.event_mode == "none":
            return
        recipients_by_target = self._get_mail_recipients(targets)
        earlier = (
            self.env["mail.mail"]
            .sudo()
            .search(
                [
                    ("marketing_step_id", "=", self.id),
                    ("model", "=", "res.partner"),
                    ("res_id", "in", targets.contact_ids.partner_id.ids),
                    ("res_id", "not in", list(mail_by_partner)),
                ],
                order="id",
            )
        )
        mail_by_partner = {**{mail.res_id: mail for mail in earlier}, **mail_by_partner}
        records_by_target = {}
        if self.event_mode == "meeting":
            records_by_target = {target: target.event_id for target in targets if target.event_id}
        elif self.event_mode == "activity":
            activities = (
                self.env["mail.activity"]
                .sudo()
                .search(
                    [
                        ("marketing_step_id", "=", self.id),
                        ("res_model", "=", "res.partner"),
                        ("res_id", "in", targets.partner_id.ids),
                    ],
                    order="id",
                )
            )
            by_partner = {activity.res_id: activity for activity in activities}
            records_by_target = {
                target: by_partner[target.partner_id.id]
                for target in targets
                if target.partner_id.id in by_partner
            }
        attachment_vals, owners = [], []
        for target, record in records_by_target.items():
            mails = [
                mail_by_partner[p.id]
                for p in recipients_by_target[target]
                if p.id in mail_by_partner
            ]
            for mail in mails:
                attachment_vals.append(
                    {
                        "name": f"{mail.subject or _('Message')}.eml",
                        "mimetype": "message/rfc822",
                        "datas": base64.b64encode(self._get_eml(mail)),
                        "res_model": record._name,
                        "res_id": record.id,
                    }
                )
            owners.append((record, mails))
        attachments = iter(self.env["ir.attachment"].sudo().create(attachment_vals))
        for record, mails in owners:
            body = "".join(str(mail.body_html or "") for mail in mails)
            own = self.env["ir.attachment"].browse([next(attachments).id for _mail in mails])
            if record._name == "calendar.event":
                record.sudo().description = body
            else:
                record.sudo().write(
                    {"note": body, "attachment_ids": [fields.Command.link(a) for a in own.ids]}
                )
