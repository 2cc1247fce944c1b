"""Emailing and faxing steps: the messages a step renders, queues and traces per recipient."""

import re
from collections import defaultdict

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, formataddr, html_sanitize
from odoo.tools.mail import generate_tracking_message_id

# fields of a mail template rendered for the recipients
TEMPLATE_RENDERED_FIELDS = (
    "subject",
    "body_html",
    "email_from",
    "reply_to",
    "email_to",
    "email_cc",
)
# expressions reading the name or code of the operation, the step or their parents
NAME_LEAK_RE = re.compile(
    r"\b(?:operation|step|operation_id|step_id|parent_id|family_id)\s*"
    r"(?:\.\s*|\[\s*['\"])(?:name|display_name|code|complete_name)\b"
)


def sent_messages_action(env, domain):
    """The list of the emails a step or an operation sent (their messages matching ``domain``)."""
    return {
        "type": "ir.actions.act_window",
        "name": env._("Emails"),
        "res_model": "mail.message",
        "view_mode": "list,form",
        "domain": domain,
        "context": {"create": False},
    }


class MarketingOperationStep(models.Model):
    """Emailing steps: the step's mail template rendered and queued for each targeted partner, or
    for each targeted contact of a company.

    The template (model ``res.partner``, ``object`` is the recipient) can also read, in its
    rendering context:

    - ``operation``: the step's operation (``marketing.operation``);
    - ``step``: the step (``marketing.operation.step``);
    - ``targets``: ``{recipient id: marketing.operation.target}``, so ``targets[object.id]`` is the
      recipient's target (its partner is the company when the recipient is one of its contacts);
    - ``operation_name`` and ``step_name``: the names to show to recipients, neutral for a
      confidential operation. A step of a confidential operation whose template reads the name
      or code of the operation or the step (``operation.name``, ``step.name``,
      ``targets[object.id].operation_id.display_name``...) is refused at launch.

    The messages count in the operation's UTM campaign (their traces), under a UTM source of the
    step named after the neutral names. A targeted contact launched alone gets its message at
    once, and none again when its company is launched afterwards.

    Opportunities, invoices and payments are read through the partner, e.g.
    ``object.commercial_partner_id.opportunity_ids``.

    Faxing steps send the same message to ``<fax digits>@<gateway domain>``, the email-to-fax
    gateway of the operation's company.
    """

    _inherit = "marketing.operation.step"

    last_launch_summary = fields.Text(
        string="Last Launch",
        readonly=True,
        copy=False,
        help="What the last launch sent and skipped.",
    )
    utm_source_id = fields.Many2one(
        "utm.source",
        string="UTM Source",
        copy=False,
        readonly=True,
        ondelete="set null",
        help="Source of the step's messages in the operation's UTM campaign, created at its first "
        "sending; named neutrally when the operation is confidential.",
    )
    sent_message_count = fields.Integer(compute="_compute_sent_message_count", string="Emails")
    email_replied_count = fields.Integer(compute="_compute_sent_message_count", string="Replies")
    email_bounced_count = fields.Integer(compute="_compute_sent_message_count", string="Bounces")

    def _compute_sent_message_count(self):
        counts = dict(
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [("marketing_step_id", "in", self.ids)], ["marketing_step_id"], ["__count"]
            )
        )
        by_status = {
            (step.id, status): count
            for step, status, count in self.env["mailing.trace"]
            .sudo()
            ._read_group(
                [
                    ("marketing_step_id", "in", self.ids),
                    ("trace_status", "in", ("reply", "bounce")),
                ],
                ["marketing_step_id", "trace_status"],
                ["__count"],
            )
        }
        for step in self:
            step.sent_message_count = counts.get(step._origin, 0)
            step.email_replied_count = by_status.get((step._origin.id, "reply"), 0)
            step.email_bounced_count = by_status.get((step._origin.id, "bounce"), 0)

    # ---- Launch -------------------------------------------------------------------------------------

    def _launch_emailing(self, targets):
        return self._launch_messages(targets)

    def _launch_faxing(self, targets):
        return self._launch_messages(targets)

    def _get_mail_recipients(self, targets, pending_only=False):
        """{target: partners to write to}: the target's contacts when it has some, else its
        partner. With ``pending_only``, only its contacts still to process (none when all its
        contacts were launched already, each of them having had its own message)."""
        contact_ids = defaultdict(list)
        has_contacts = set()
        for contact in targets.contact_ids:
            has_contacts.add(contact.target_id.id)
            if not pending_only or contact.state_id.kind == "todo":
                contact_ids[contact.target_id.id].append(contact.partner_id.id)
        ids_by_target = {
            target: contact_ids[target.id] if target.id in has_contacts else [target.partner_id.id]
            for target in targets
        }
        # one prefetch for all the recipients, so that reading them costs the same for any number
        prefetch = tuple({pid for ids in ids_by_target.values() for pid in ids})
        Partner = self.env["res.partner"]
        return {
            target: Partner.browse(ids).with_prefetch(prefetch)
            for target, ids in ids_by_target.items()
        }

    def _get_message_addresses(self, partners):
        """Where this step's messages go for each of ``partners``: their email address, or the
        gateway address of their fax number for a faxing step.

        :return: ({partner id: address}, {partner id: why it is skipped})
        """
        addresses, skipped = {}, {}
        if self.kind == "faxing":
            for partner in partners:
                address = self._get_fax_address(partner)
                if address:
                    addresses[partner.id] = address
                else:
                    skipped[partner.id] = _("%(partner)s: no fax number.", partner=partner.name)
            return addresses, skipped
        for partner in partners:
            if not partner.email_normalized:
                skipped[partner.id] = _("%(partner)s: no email address.", partner=partner.name)
            elif partner.marketing_opt_out:
                skipped[partner.id] = _(
                    "%(partner)s: opted out of marketing emails.", partner=partner.name
                )
            elif partner.is_blacklisted:
                skipped[partner.id] = _(
                    "%(partner)s: email address blacklisted.", partner=partner.name
                )
            else:
                addresses[partner.id] = formataddr((partner.name or "", partner.email_normalized))
        return addresses, skipped

    def _get_fax_address(self, partner):
        """The gateway address of ``partner``'s fax number, or False without a number."""
        digits = re.sub(r"\D", "", partner.fax or "")
        if not digits:
            return False
        return f"{digits}@{self.company_id.marketing_fax_gateway_domain}"

    def _get_trace_email(self, partner, address):
        """The normalized address a message to ``partner`` at ``address`` is traced under (the
        gateway address itself for a fax)."""
        if self.kind == "faxing":
            return address
        return partner.email_normalized

    def _get_render_context(self, targets_by_recipient):
        """Variables the step's template may read besides ``object`` (see the class docstring)."""
        operation = self.operation_id
        return {
            "operation": operation,
            "step": self,
            "targets": targets_by_recipient,
            "operation_name": operation._get_public_name(),
            "step_name": self._get_public_name(),
        }

    def _render_messages(self, partners, targets_by_recipient):
        """{partner id: {subject, body, email_from, reply_to}} of the step's template for
        ``partners``, each in its language: the body template is compiled once per language and
        rendered for every partner, the short fields rendered by the host per field."""
        template = self.mail_template_id
        add_context = self._get_render_context(targets_by_recipient)
        res_ids = partners.ids
        rendered = {
            field: template._render_field(
                field, res_ids, compute_lang=True, add_context=add_context
            )
            for field in ("subject", "email_from", "reply_to")
        }
        bodies = {}
        for lang_template, lang_res_ids in template._classify_per_lang(res_ids).values():
            bodies.update(
                lang_template._render_qweb_compiled_once(
                    lang_template.body_html, lang_template.render_model, lang_res_ids, add_context
                )
            )
        # local links made absolute, as the host's post-processing does, with one base URL
        base_url = self.get_base_url()
        bodies = {
            res_id: template._replace_local_links(body, base_url) for res_id, body in bodies.items()
        }
        default_from = self.env.user.email_formatted or self.env.company.email_formatted
        return {
            res_id: {
                "subject": rendered["subject"][res_id],
                "body": bodies[res_id],
                "email_from": rendered["email_from"][res_id] or default_from,
                "reply_to": rendered["reply_to"][res_id] or False,
            }
            for res_id in res_ids
        }

    def _prepare_mail_values(self, partner, address, values, attachment_ids):
        """Values of the message queued for ``partner`` at ``address`` (see
        ``_create_step_mails``); its Message-Id lets replies and bounces find it, its trace and
        the partner."""
        return {
            "message_id": generate_tracking_message_id(f"{partner.id}-res.partner"),
            "subject": values["subject"],
            "body": values["body"],
            "body_html": values["body"],
            "email_from": values["email_from"],
            "reply_to": values["reply_to"],
            "email_to": address,
            "email": self._get_trace_email(partner, address),
            "res_id": partner.id,
            "record_name": partner.name,
            "author_id": self.env.user.partner_id.id,
            "attachment_ids": attachment_ids,
            "mail_server_id": self.mail_template_id.mail_server_id.id,
        }

    def _create_step_mails(self, vals_list):
        """Queue the messages in the host's mail queue, logged on the partners: the rows the
        host's mass-mode composer writes (message, mail, attachments, trace), inserted set-based
        rather than one ORM create per recipient. The chatter body is sanitized as the ORM does."""
        if not vals_list:
            return self.env["mail.mail"]
        # the traces count in the operation's UTM campaign, under the step's source
        self._get_utm_source()
        # the statements insert into these tables, read none
        for model in ("mail.message", "mail.mail", "mailing.trace"):
            self.env[model].flush_model()
        now, uid = fields.Datetime.now(), self.env.uid
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message (author_id, body, create_date, create_uid, date,
                       email_add_signature, email_from, mail_server_id, message_id, message_type,
                       model, record_name, reply_to, res_id, subject, subtype_id,
                       marketing_step_id, write_date, write_uid)
                SELECT %(author)s, t.body, %(now)s, %(uid)s, %(now)s, FALSE, t.email_from,
                       %(server)s, t.message_id, 'email', 'res.partner', t.record_name,
                       t.reply_to, t.res_id, t.subject, %(subtype)s, %(step)s, %(now)s, %(uid)s
                  FROM unnest(%(bodies)s::text[], %(froms)s::varchar[], %(msgids)s::varchar[],
                              %(names)s::varchar[], %(replies)s::varchar[], %(res_ids)s::int[],
                              %(subjects)s::varchar[])
                       AS t(body, email_from, message_id, record_name, reply_to, res_id, subject)
             RETURNING id, message_id
                """,
                author=vals_list[0]["author_id"],
                now=now,
                uid=uid,
                server=vals_list[0]["mail_server_id"] or None,
                subtype=self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note"),
                step=self.id,
                bodies=[html_sanitize(v["body"], sanitize_style=True) for v in vals_list],
                froms=[v["email_from"] for v in vals_list],
                msgids=[v["message_id"] for v in vals_list],
                names=[v["record_name"] for v in vals_list],
                replies=[v["reply_to"] or None for v in vals_list],
                res_ids=[v["res_id"] for v in vals_list],
                subjects=[v["subject"] or "" for v in vals_list],
            )
        )
        message_by_msgid = {msgid: message for message, msgid in rows}
        message_ids = [message_by_msgid[v["message_id"]] for v in vals_list]
        attachment_ids = vals_list[0]["attachment_ids"]
        if attachment_ids:
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO message_attachment_rel (message_id, attachment_id)
                    SELECT m, a FROM unnest(%s::int[]) m CROSS JOIN unnest(%s::int[]) a
                    """,
                    message_ids,
                    attachment_ids,
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_mail (auto_delete, body_html, create_date, create_uid, email_to,
                       mail_message_id, state, write_date, write_uid)
                SELECT FALSE, t.body, %(now)s, %(uid)s, t.email_to, t.message, 'outgoing',
                       %(now)s, %(uid)s
                  FROM unnest(%(bodies)s::text[], %(tos)s::varchar[], %(messages)s::int[])
                       AS t(body, email_to, message)
             RETURNING id, mail_message_id
                """,
                now=now,
                uid=uid,
                bodies=[v["body_html"] for v in vals_list],
                tos=[v["email_to"] for v in vals_list],
                messages=message_ids,
            )
        )
        mail_by_message = {message: mail for mail, message in rows}
        mail_ids = [mail_by_message[message] for message in message_ids]
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mailing_trace (create_date, create_uid, write_date, write_uid, email,
                       mail_mail_id, mail_mail_id_int, message_id, model, res_id, trace_status,
                       trace_type, marketing_step_id, campaign_id)
                SELECT %(now)s, %(uid)s, %(now)s, %(uid)s, t.email, t.mail, t.mail, t.message_id,
                       'res.partner', t.res_id, 'outgoing', 'mail', %(step)s, %(campaign)s
                  FROM unnest(%(emails)s::varchar[], %(mails)s::int[], %(msgids)s::varchar[],
                              %(res_ids)s::int[])
                       AS t(email, mail, message_id, res_id)
                """,
                now=now,
                uid=uid,
                step=self.id,
                campaign=self.sudo().operation_id.utm_campaign_id.id or None,
                emails=[v["email"] for v in vals_list],
                mails=mail_ids,
                msgids=[v["message_id"] for v in vals_list],
                res_ids=[v["res_id"] for v in vals_list],
            )
        )
        for model in ("mail.message", "mail.mail", "mailing.trace"):
            self.env[model].invalidate_model()
        self.env["res.partner"].invalidate_model(["message_ids"])
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return self.env["mail.mail"].sudo().browse(mail_ids)

    def _check_can_send(self):
        """Refuse to send this step's messages when they cannot be sent, or would tell the
        recipients what they may not know."""
        if self.kind == "faxing" and not self.company_id.marketing_fax_gateway_domain:
            raise UserError(
                _(
                    "Set the email-to-fax gateway domain of %(company)s in the settings before "
                    "launching the faxing step %(step)s.",
                    company=self.company_id.name,
                    step=self.name,
                )
            )
        self.ensure_one()
        if not self.mail_template_id:
            raise UserError(
                _("Step %(step)s needs a mail template to send its messages.", step=self.name)
            )
        # whoever may launch the step sends its messages, logged on the partners
        self.check_access("write")
        if self.sudo().operation_id.is_hidden:
            leaks = self._get_template_name_leaks()
            if leaks:
                raise UserError(
                    _(
                        "The operation of step %(step)s is confidential, but its template "
                        "%(template)s prints %(expressions)s to the recipients. Use "
                        "operation_name and step_name, the neutral names of the operation and "
                        "the step, instead.",
                        step=self.name,
                        template=self.mail_template_id.name,
                        expressions=", ".join(leaks),
                    )
                )

    def _get_template_name_leaks(self):
        """The expressions of the step's template, in any installed language, that read the name
        or code of the operation, the step or its parents (sorted)."""
        template = self.mail_template_id.sudo()
        leaks = set()
        for lang, _lang_name in self.env["res.lang"].get_installed():
            lang_template = template.with_context(lang=lang)
            for field in TEMPLATE_RENDERED_FIELDS:
                if field in lang_template._fields:
                    leaks.update(
                        re.sub(r"\s+", "", match.group(0))
                        for match in NAME_LEAK_RE.finditer(str(lang_template[field] or ""))
                    )
        return sorted(leaks)

    def _get_utm_source(self):
        """The step's UTM source, created at its first sending, named after the public names of
        the operation and the step (neutral when the operation is confidential, also when it
        became confidential after the source was created)."""
        self.ensure_one()
        step = self.sudo()
        name = _(
            "%(operation)s: %(step)s",
            operation=self.operation_id._get_public_name(),
            step=self._get_public_name(),
        )
        Source = self.env["utm.source"].sudo()
        if not step.utm_source_id:
            step.utm_source_id = Source.create({"name": name})
        elif not re.fullmatch(rf"{re.escape(name)}( \[\d+\])?", step.utm_source_id.name):
            unique = self.env["utm.mixin"]._get_unique_names("utm.source", [name])[0]
            step.utm_source_id.name = unique
        return step.utm_source_id

    def _send_messages(self, recipients_by_target):
        """Queue one message per eligible partner of ``recipients_by_target`` ({target:
        partners}).

        :return: ({partner id: mail.mail}, {partner id: why it is skipped})
        """
        recipients = self.env["res.partner"].union(*recipients_by_target.values())
        if not recipients:
            return {}, {}
        addresses, skipped = self._get_message_addresses(recipients)
        to_send = recipients.filtered(lambda p: p.id in addresses)
        targets_by_recipient = {
            partner.id: target
            for target, partners in recipients_by_target.items()
            for partner in partners
        }
        rendered = self._render_messages(to_send, targets_by_recipient) if to_send else {}
        attachment_ids = (self.mail_template_id.attachment_ids | self.attachment_ids).ids
        mails = self._create_step_mails(
            [
                self._prepare_mail_values(
                    partner, addresses[partner.id], rendered[partner.id], attachment_ids
                )
                for partner in to_send
            ]
        )
        self.last_launch_summary = self._get_launch_summary(len(mails), skipped)
        return dict(zip(to_send.ids, mails, strict=True)), skipped

    def _launch_messages(self, targets):
        """Queue one message per eligible recipient of ``targets`` (their contacts still to
        process, or the partner itself without contacts). A target whose recipients got a
        message, now or when its contacts were launched one by one, takes the final status;
        the others are skipped with the reason in their notes."""
        self.ensure_one()
        self._check_can_send()
        recipients_by_target = self._get_mail_recipients(targets, pending_only=True)
        mail_by_partner, skipped = self._send_messages(recipients_by_target)

        final = self._get_launch_state()
        skipped_state = self.env["marketing.target.state"]._get_by_kind("skipped") or final
        attempted = targets.contact_ids.filtered(lambda c: c.state_id.kind == "todo")
        sent_contacts = attempted.filtered(lambda c: c.partner_id.id in mail_by_partner)
        sent_contacts.write({"state_id": final.id})
        (attempted - sent_contacts).write({"state_id": skipped_state.id})
        sent_targets = targets.filtered(
            lambda t: (
                any(p in mail_by_partner for p in recipients_by_target[t]._ids)
                or any(c.state_id == final for c in t.contact_ids)
            )
        )
        sent_targets.write({"state_id": final.id})
        self._set_target_messages(sent_targets, recipients_by_target, mail_by_partner)
        skipped_targets = targets - sent_targets
        skipped_targets.write({"state_id": skipped_state.id})
        for target in skipped_targets:
            reasons = "\n".join(
                skipped[p.id] for p in recipients_by_target[target] if p.id in skipped
            )
            if reasons:
                target.notes = f"{target.notes}\n{reasons}" if target.notes else reasons

        self._generate_events(sent_targets)
        if self.operation_id.attach_message_to_event:
            self._attach_messages_to_events(sent_targets, mail_by_partner)
        return targets

    def _launch_contacts_emailing(self, contacts):
        return self._launch_contact_messages(contacts)

    def _launch_contacts_faxing(self, contacts):
        return self._launch_contact_messages(contacts)

    def _launch_contact_messages(self, contacts):
        """Launch this step for ``contacts`` only (targeted contacts of its targets): each of
        them still to process gets its message at once and takes the final status, or the
        skipped one; their partners are left to ``marketing.operation.target.contact``."""
        self.ensure_one()
        self._check_can_send()
        contacts = contacts.filtered(lambda c: c.state_id.kind == "todo")
        recipients_by_target = {
            target: target_contacts.partner_id
            for target, target_contacts in contacts.grouped("target_id").items()
        }
        mail_by_partner, _skipped = self._send_messages(recipients_by_target)
        final = self._get_launch_state()
        skipped_state = self.env["marketing.target.state"]._get_by_kind("skipped") or final
        sent = contacts.filtered(lambda c: c.partner_id.id in mail_by_partner)
        sent.write({"state_id": final.id})
        (contacts - sent).write({"state_id": skipped_state.id})
        self._set_target_messages(
            sent.target_id.filtered(lambda t: not t.message_id),
            recipients_by_target,
            mail_by_partner,
        )
        return contacts

    def _set_target_messages(self, targets, recipients_by_target, mail_by_partner):
        """Store on each of ``targets`` the message sent to its first recipient, in one update."""
        message_by_partner = {
            partner_id: mail.mail_message_id.id for partner_id, mail in mail_by_partner.items()
        }
        target_ids, message_ids = [], []
        for target in targets:
            first = next(
                (p for p in recipients_by_target[target]._ids if p in message_by_partner), None
            )
            if first is None or target.message_id:
                continue
            target_ids.append(target.id)
            message_ids.append(message_by_partner[first])
        if not target_ids:
            return
        self.env["marketing.operation.target"].flush_model(["message_id"])
        self.env.execute_query(
            SQL(
                """
                UPDATE marketing_operation_target target
                   SET message_id = v.message_id, write_date = %s, write_uid = %s
                  FROM unnest(%s::int[], %s::int[]) AS v(target_id, message_id)
                 WHERE target.id = v.target_id
                """,
                fields.Datetime.now(),
                self.env.uid,
                target_ids,
                message_ids,
            )
        )
        targets.invalidate_recordset(["message_id", "write_date", "write_uid"])

    def _get_launch_summary(self, sent, skipped):
        lines = [_("%(count)s messages queued.", count=sent)]
        if skipped:
            lines.append(_("%(count)s recipients skipped:", count=len(skipped)))
            lines.extend(skipped.values())
        return "\n".join(lines)

    # ---- Actions ------------------------------------------------------------------------------------

    def action_view_sent_messages(self):
        self.ensure_one()
        return sent_messages_action(self.env, [("marketing_step_id", "=", self.id)])
