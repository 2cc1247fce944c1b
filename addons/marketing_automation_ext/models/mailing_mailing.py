"""The host's mailing as the campaigns use it: the addresses of their records, the bodies
rendered for them and their emails and SMS queued in bulk with their mailing traces."""

from markupsafe import Markup

from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError
from odoo.tools import SQL

# the recipients of an automation mailing are the campaign's participants, never its domain
NO_RECIPIENT_DOMAIN = "[('id', '=', False)]"


def _message_body(body):
    """The body a message stores for this rendered body: the host's message field drops the
    ``<div>`` that wraps the whole of it when it sanitizes it (the rest is sanitized already)."""
    if body.startswith("<div>") and body.endswith("</div>"):
        return body[5:-6]
    return body


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    # Email Marketing users without automation rights read mailings too
    marketing_activity_ids = fields.One2many(
        "marketing.automation.activity",
        "mailing_id",
        string="Automation Activities",
        groups="marketing_automation_ext.marketing_automation_ext_group_user",
    )
    is_automation_mailing = fields.Boolean(
        string="Sent by an Automated Campaign",
        readonly=True,
        copy=False,
        help="Its emails or SMS are sent by the activities of an automated campaign, to their "
        "participants; it cannot be sent from Email Marketing.",
    )

    def _check_not_automated(self):
        automated = self.filtered(
            lambda m: m.is_automation_mailing or m.sudo().marketing_activity_ids
        )
        if automated:
            raise UserError(
                _(
                    "Mailing %(name)s is sent by an automated campaign: start or stop the campaign"
                    " instead of sending it from here.",
                    name=automated[0].subject,
                )
            )

    def action_launch(self):
        self._check_not_automated()
        return super().action_launch()

    def action_schedule(self):
        self._check_not_automated()
        return super().action_schedule()

    def action_put_in_queue(self):
        self._check_not_automated()
        return super().action_put_in_queue()

    def _action_send_mail(self, res_ids=None):
        # "Send now" of SMS mailings and the mass mailing queue both end here
        self._check_not_automated()
        return super()._action_send_mail(res_ids=res_ids)

    # ------------------------------------------------------------------ AUTOMATION SENDING

    @api.model
    def _get_automation_emails(self, records):
        """({record id: normalized email}, {blacklisted emails}) of ``records`` in two queries;
        (None, None) when the target has no email field."""
        Model = records.browse()
        email_fname = Model._mail_get_primary_email_field() or (
            "email_from" if "email_from" in Model._fields else "email"
        )
        if email_fname not in Model._fields:
            return None, None
        if "email_normalized" in Model._fields:
            emails = {record.id: record.email_normalized for record in records}
        else:
            emails = {
                record.id: tools.email_normalize(record[email_fname] or "", strict=False)
                for record in records
            }
        blacklisted = set()
        if "is_blacklisted" in Model._fields:
            found = [email for email in emails.values() if email]
            if found:
                rows = self.env.execute_query(
                    SQL(
                        "SELECT email FROM mail_blacklist WHERE active AND email = ANY(%s)",
                        found,
                    )
                )
                blacklisted = {row[0] for row in rows}
        return emails, blacklisted

    def _get_automation_body_source(self):
        """The mailing body as written in the editor, with its links turned into tracked short
        links once for the whole batch (not once per recipient)."""
        body = self._prepend_preview(self.body_html or "", self.preview)
        # sanitized as the host's composer sanitizes the body it is given
        Composer = self.env["mail.compose.message"]
        body = Composer._fields["body"].convert_to_cache(body, Composer.browse()) or ""
        body = self._shorten_links(
            body,
            self._get_link_tracker_values(),
            blacklist=["/unsubscribe_from_list", "/view", "/cards"],
        )
        return self._replace_local_links(body, self.get_base_url())

    @api.model
    def _get_automation_layout(self):
        """The host's mass mailing layout split around the body: rendered once per batch."""
        marker = "@@marketing-automation-body@@"
        with tools.file_open("mass_mailing/static/src/scss/mass_mailing_mail.scss", "r") as fd:
            styles = fd.read()
        layout = self.env["ir.qweb"]._render(
            "mass_mailing.mass_mailing_mail_layout",
            {"body": Markup(marker), "mailing_style": Markup(f"<style>{styles}</style>")},
            minimal_qcontext=True,
            raise_if_not_found=False,
        )
        if not layout or marker not in layout:
            return "", ""
        prefix, suffix = str(layout).split(marker, 1)
        return prefix, suffix

    def _queue_automation_mails(self, traces, records, emails, author_id):
        """Queue one outgoing mail of this mailing per marketing trace (``traces``, one per
        record of ``records``, in the same order) with its mailing trace, in three set-based
        inserts (messages, mails, mailing traces): the same rows the host's mass mailing
        composer writes, without one ORM create per recipient. ``emails``: {record id:
        normalized email}; ``author_id``: the partner the messages come from."""
        self.ensure_one()
        model = records._name
        res_ids = records.ids
        source = self._get_automation_body_source()
        bodies = self._render_template(
            source, model, res_ids, engine="qweb", options={"post_process": False}
        )
        subjects = self._render_field("subject", res_ids)
        prefix, suffix = self._get_automation_layout()
        if self.reply_to_mode == "new" and self.reply_to:
            reply_tos = dict.fromkeys(res_ids, self.reply_to)
        else:
            reply_tos = records._notify_get_reply_to(default=self.email_from)
        default_company = self.env.company
        companies = records._mail_get_companies(default=default_company)
        alias_domains = records._mail_get_alias_domains(default_company=default_company)
        headers = [repr(record._notify_by_email_get_headers()) for record in records]
        now, uid = fields.Datetime.now(), self.env.uid
        Message, force_new = self.env["mail.message"], self.reply_to_mode == "new"
        message_ids = [
            Message._get_message_id(
                {
                    "reply_to_force_new": force_new,
                    "model": model,
                    "res_id": res_id,
                    "message_type": "email_outgoing",
                }
            )
            for res_id in res_ids
        ]
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_message (author_id, body, create_date, create_uid, date,
                       email_add_signature, email_from, mail_server_id, message_id, message_type,
                       model, record_alias_domain_id, record_company_id, reply_to,
                       reply_to_force_new, res_id, subject, write_date, write_uid)
                SELECT %s, t.body, %s, %s, %s, TRUE, %s, %s, t.message_id, 'email_outgoing',
                       %s, t.alias_domain, t.company, t.reply_to, %s, t.res_id, t.subject, %s, %s
                  FROM unnest(%s::varchar[], %s::varchar[], %s::int[], %s::varchar[], %s::text[],
                              %s::int[], %s::int[])
                       AS t(message_id, reply_to, res_id, subject, body, alias_domain, company)
             RETURNING id, message_id
                """,
                author_id,
                now,
                uid,
                now,
                self.email_from,
                self.mail_server_id.id or None,
                model,
                force_new,
                now,
                uid,
                message_ids,
                [reply_tos.get(res_id) or None for res_id in res_ids],
                res_ids,
                [subjects.get(res_id) or "" for res_id in res_ids],
                [_message_body(bodies.get(res_id) or "") for res_id in res_ids],
                [alias_domains[res_id].id or None for res_id in res_ids],
                [companies[res_id].id or None for res_id in res_ids],
            )
        )
        message_by_msgid = {msgid: message for message, msgid in rows}
        mail_message_ids = [message_by_msgid[msgid] for msgid in message_ids]
        if self.attachment_ids:
            self.env.execute_query(
                SQL(
                    """
                    INSERT INTO message_attachment_rel (message_id, attachment_id)
                    SELECT m, a FROM unnest(%s::int[]) m CROSS JOIN unnest(%s::int[]) a
                    """,
                    mail_message_ids,
                    self.attachment_ids.ids,
                )
            )
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO mail_mail (auto_delete, body_html, create_date, create_uid, email_to,
                       headers, mail_message_id, mailing_id, "references", state, write_date,
                       write_uid)
                SELECT %s, t.body, %s, %s, t.email_to, t.headers, t.message, %s, t."references",
                       'outgoing', %s, %s
                  FROM unnest(%s::text[], %s::varchar[], %s::int[], %s::text[], %s::text[])
                       AS t(body, email_to, message, headers, "references")
             RETURNING id, mail_message_id
                """,
                not self.keep_archives,
                now,
                uid,
                self.id,
                now,
                uid,
                [f"{prefix}{bodies.get(res_id) or ''}{suffix}" for res_id in res_ids],
                [emails[res_id] for res_id in res_ids],
                mail_message_ids,
                headers,
                message_ids,
            )
        )
        mail_by_message = {message: mail for mail, message in rows}
        mail_ids = [mail_by_message[message] for message in mail_message_ids]
        self.env.execute_query(
            SQL(
                """
                INSERT INTO mailing_trace (create_date, create_uid, write_date, write_uid, email,
                       mail_mail_id, mail_mail_id_int, mass_mailing_id, campaign_id, message_id,
                       model, res_id, trace_status, trace_type, marketing_trace_id)
                SELECT %s, %s, %s, %s, t.email, t.mail, t.mail, %s, %s, t.message_id, %s, t.res_id,
                       'outgoing', 'mail', t.trace
                  FROM unnest(%s::varchar[], %s::int[], %s::varchar[], %s::int[], %s::int[])
                       AS t(email, mail, message_id, res_id, trace)
                """,
                now,
                uid,
                now,
                uid,
                self.id,
                self.campaign_id.id or None,
                model,
                [emails[res_id] for res_id in res_ids],
                mail_ids,
                message_ids,
                res_ids,
                traces.ids,
            )
        )
        self.env["mail.message"].invalidate_model()
        self.env["mail.mail"].invalidate_model()
        self.env["mailing.trace"].invalidate_model()
        traces.invalidate_recordset(["mailing_trace_ids"])
        self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        mails = self.env["mail.mail"].browse(mail_ids)
        if mails and self.reply_to_mode == "update":
            # as the host's composer: replies go to the records' threads, whose messages stay
            # when the sent mails are deleted, for the mail gateway to route the replies there
            self.env["mail.mail"].flush_model(["is_notification"])
            self.env.execute_query(
                SQL("UPDATE mail_mail SET is_notification = TRUE WHERE id = ANY(%s)", mails.ids)
            )
            mails.invalidate_recordset(["is_notification"])
        # the campaign's incoming mail servers are checked for replies after each send
        traces.campaign_id._plan_response_fetch(fields.Datetime.now())
        return mails

    def _queue_automation_sms(self, traces, res_by_trace, records):
        """Queue one SMS of this mailing per marketing trace (``traces``; ``records``, those of
        ``res_by_trace``) through the host's SMS composer in mass mode, its mailing traces
        then linked to the marketing traces; return the rejected traces by reason. The composer
        applies the mailing's opt-out list and already-sent checks, shortens the links and
        adds the opt-out link."""
        self.ensure_one()
        recipients = records._sms_get_recipients_info()
        no_number = traces.filtered(
            lambda t: not (recipients.get(res_by_trace[t.id]) or {}).get("sanitized")
        )
        numbers = [info["sanitized"] for info in recipients.values() if info and info["sanitized"]]
        blacklisted = set()
        if numbers:
            rows = self.env.execute_query(
                SQL(
                    "SELECT number FROM phone_blacklist WHERE active AND number = ANY(%s)",
                    numbers,
                )
            )
            blacklisted = {row[0] for row in rows}
        excluded = (traces - no_number).filtered(
            lambda t: recipients[res_by_trace[t.id]]["sanitized"] in blacklisted
        )
        to_send = traces - no_number - excluded
        opted_out, duplicates = self.env["marketing.automation.trace"], to_send.browse()
        if to_send:
            trace_by_res = {res_by_trace[trace.id]: trace.id for trace in to_send}
            composer = (
                self.env["sms.composer"]
                .with_context(active_id=False)
                .create(self._send_sms_get_composer_values(list(trace_by_res)))
            )
            sms_all = composer._action_send_sms()
            # the host's mailing traces, linked to the marketing traces that sent them
            self.env.flush_all()
            self.env.execute_query(
                SQL(
                    """
                    UPDATE mailing_trace mt SET marketing_trace_id = t.trace
                      FROM unnest(%s::int[], %s::int[]) AS t(res_id, trace)
                     WHERE mt.mass_mailing_id = %s AND mt.sms_id_int = ANY(%s)
                       AND mt.res_id = t.res_id
                    """,
                    list(trace_by_res),
                    list(trace_by_res.values()),
                    self.id,
                    sms_all.ids,
                )
            )
            self.env["mailing.trace"].invalidate_model(["marketing_trace_id"])
            to_send.invalidate_recordset(["mailing_trace_ids"])
            canceled = sms_all.filtered(lambda sms: sms.state == "canceled")
            by_failure = {}
            for sms in canceled:
                by_failure.setdefault(sms.failure_type, []).extend(
                    sms.mailing_trace_ids.marketing_trace_id.ids
                )
            opted_out = to_send.browse(by_failure.pop("sms_optout", []))
            duplicates = to_send.browse([i for ids in by_failure.values() for i in ids])
            if sms_all - canceled:
                sms_cron = self.env.ref(
                    "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
                )
                if sms_cron:
                    sms_cron.sudo()._trigger()
        return {
            _("The record has no valid phone number."): no_number,
            _("The phone number is blacklisted."): excluded,
            _("The phone number opted out of this mailing."): opted_out,
            _("This mailing was already sent to this phone number."): duplicates,
        }
