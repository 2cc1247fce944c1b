import base64
import binascii
import hashlib

import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import email_normalize, plaintext2html

from .response_file_reader import ResponseFileReader, parse_date

PREVIEW_LINES = 10


class MarketingAutomationResponseImport(models.TransientModel):
    """Import the responses a campaign received elsewhere: each line of a CSV or XLSX file
    names a participant by the email of its record or by the record's reference, with the
    date and the text of the response. Lines matching no participant are reported one by one;
    a line imported before adds nothing."""

    _name = "marketing.automation.response.import"
    _description = "Import Responses of an Automated Campaign"

    campaign_id = fields.Many2one("marketing.automation.campaign", required=True)
    file = fields.Binary(
        attachment=False,
        help="A CSV file (UTF-8 or Latin-1, separated by commas, semicolons or tabs) or an XLSX "
        "workbook (its first sheet). Its first line names the columns: the email or the record "
        "reference (e.g. res.partner,42), the date and the text of each response.",
    )
    file_name = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")],
        default="upload",
        required=True,
    )
    line_count = fields.Integer(string="Lines Read", readonly=True)
    add_count = fields.Integer(string="Responses to Add", readonly=True)
    already_count = fields.Integer(string="Already Imported", readonly=True)
    unmatched_count = fields.Integer(string="Lines Not Matched", readonly=True)
    preview_html = fields.Html(string="First Lines", readonly=True, sanitize=False)
    report = fields.Text(readonly=True)

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "upload"
        self.report = False

    # ------------------------------------------------------------------ READING

    def _get_content(self):
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose a CSV or XLSX file to import."))
        try:
            return base64.b64decode(self.file)
        except (binascii.Error, ValueError) as error:
            raise UserError(
                _("The file %(file)s cannot be read.", file=self.file_name or "")
            ) from error

    def _parse_file(self):
        """The lines of the file as dicts: ``line`` (number), ``email``, ``reference``,
        ``date`` (UTC), ``date_text``, ``text``. Refuse files without an email or reference
        column, and dates that cannot be read, naming their lines."""
        reader = ResponseFileReader(self.env, self._get_content(), self.file_name)
        rows = reader.rows()
        (_header_number, header), body = rows[0], rows[1:]
        columns = reader.columns(header)
        if "email" not in columns and "reference" not in columns:
            raise UserError(
                _(
                    "The file %(file)s has no email column (nor a record reference column): its "
                    "first line must name the columns, e.g. Email, Date, Text.",
                    file=reader.label,
                )
            )
        if not body:
            raise UserError(
                _(
                    "The file %(file)s has a header line but no line to import below it.",
                    file=reader.label,
                )
            )
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        lines, bad_dates = [], []

        def cell(values, role):
            index = columns.get(role)
            if index is None or index >= len(values):
                return ""
            return values[index]

        for number, values in body:
            raw_date = cell(values, "date")
            try:
                date = parse_date(raw_date)
            except ValueError:
                bad_dates.append(_("line %(line)s: %(value)s", line=number, value=raw_date))
                continue
            # the file's dates read in the importing user's time zone
            date_text = fields.Datetime.to_string(date) if date else ""
            if date:
                date = tz.localize(date).astimezone(pytz.utc).replace(tzinfo=None)
            lines.append(
                {
                    "line": number,
                    "email": str(cell(values, "email") or "").strip(),
                    "reference": str(cell(values, "reference") or "").strip(),
                    "date": date,
                    "date_text": date_text,
                    "text": str(cell(values, "text") or "").strip(),
                }
            )
        if bad_dates:
            raise UserError(
                _(
                    "The file %(file)s has dates that cannot be read (write them as 2026-03-02 "
                    "14:30 or 02/03/2026 14:30): %(lines)s. Nothing was imported.",
                    file=reader.label,
                    lines="; ".join(bad_dates[:20]),
                )
            )
        return lines

    # ------------------------------------------------------------------ MATCHING

    def _participants_by_reference(self, lines):
        """{reference text: participant} of the campaign for the lines' references
        ("model,id" or the id of a record of the campaign's target)."""
        campaign = self.campaign_id
        ids = {}
        for line in lines:
            reference = line["reference"]
            if not reference:
                continue
            model, _sep, res_id = reference.rpartition(",")
            model = model.strip() or campaign.model_name
            if model == campaign.model_name and res_id.strip().isdigit():
                ids[reference] = int(res_id)
        if not ids:
            return {}
        participants = self._search_participants([("res_id", "in", list(set(ids.values())))])
        by_res = {}
        for participant in participants:
            by_res.setdefault(participant.res_id, participant)
        return {ref: by_res[res_id] for ref, res_id in ids.items() if res_id in by_res}

    def _participants_by_email(self, lines):
        """{normalized email: participant} of the campaign for the lines' emails: the latest
        participant whose record has that email."""
        campaign = self.campaign_id
        emails = {email_normalize(line["email"]) for line in lines if line["email"]} - {False}
        if not emails:
            return {}
        Model = self.env[campaign.model_name].with_context(active_test=False)
        if "email_normalized" in Model._fields:
            domain = [("email_normalized", "in", list(emails))]
            fname = "email_normalized"
        else:
            fname = Model._mail_get_primary_email_field() or (
                "email_from" if "email_from" in Model._fields else "email"
            )
            if fname not in Model._fields:
                return {}
            domain = expression.OR([[(fname, "=ilike", email)] for email in emails])
        records = Model.search(domain)
        email_of = {record.id: email_normalize(record[fname] or "") for record in records}
        participants = self._search_participants([("res_id", "in", records.ids)])
        result = {}
        for participant in participants:
            result.setdefault(email_of.get(participant.res_id), participant)
        return result

    def _search_participants(self, domain):
        """The campaign's real participants matching ``domain``, latest first."""
        return self.env["marketing.automation.participant"].search(
            [("campaign_id", "=", self.campaign_id.id), ("is_test", "=", False), *domain],
            order="id desc",
        )

    @api.model
    def _import_key(self, line):
        digest = hashlib.sha1(
            "\x00".join([line["date_text"], line["text"]]).encode(), usedforsecurity=False
        )
        return digest.hexdigest()

    def _analyse(self):
        """The lines of the file, each with its ``status``: ``new`` (with its ``participant``),
        ``already`` (imported before, or earlier in the file) or ``unmatched`` (with its
        ``reason``)."""
        self.ensure_one()
        lines = self._parse_file()
        by_reference = self._participants_by_reference(lines)
        by_email = self._participants_by_email(lines)
        for line in lines:
            participant = None
            if line["reference"]:
                participant = by_reference.get(line["reference"])
                if not participant:
                    line["reason"] = _(
                        "no participant of this campaign for the record %(reference)s",
                        reference=line["reference"],
                    )
            elif line["email"]:
                email = email_normalize(line["email"])
                participant = by_email.get(email) if email else None
                if not email:
                    line["reason"] = _("%(value)s is not an email address", value=line["email"])
                elif not participant:
                    line["reason"] = _(
                        "no participant of this campaign has the email %(email)s",
                        email=line["email"],
                    )
            else:
                line["reason"] = _("neither an email nor a record reference")
            if participant:
                line["participant"] = participant
                line["key"] = self._import_key(line)
        matched = [line for line in lines if "participant" in line]
        existing = set()
        if matched:
            responses = self.env["marketing.automation.response"].search(
                [
                    ("participant_id", "in", list({line["participant"].id for line in matched})),
                    ("import_key", "in", list({line["key"] for line in matched})),
                ]
            )
            existing = {(r.participant_id.id, r.import_key) for r in responses}
        seen = set()
        for line in lines:
            if "participant" not in line:
                line["status"] = "unmatched"
                continue
            key = (line["participant"].id, line["key"])
            line["status"] = "already" if key in existing or key in seen else "new"
            seen.add(key)
        return lines

    def _write_counts(self, lines):
        statuses = [line["status"] for line in lines]
        self.write(
            {
                "line_count": len(lines),
                "add_count": statuses.count("new"),
                "already_count": statuses.count("already"),
                "unmatched_count": statuses.count("unmatched"),
            }
        )

    @api.model
    def _unmatched_report(self, lines):
        return [
            self.env._(
                "Line %(line)s (%(value)s): %(reason)s",
                line=line["line"],
                value=line["reference"] or line["email"] or "-",
                reason=line["reason"],
            )
            for line in lines
            if line["status"] == "unmatched"
        ]

    def _render_preview(self, lines):
        results = {
            "new": _("To add"),
            "already": _("Already imported"),
            "unmatched": _("Not matched"),
        }
        row_class = {"new": "text-success", "already": "text-muted", "unmatched": "text-danger"}
        head = Markup("").join(
            Markup("<th>%s</th>") % title
            for title in (
                _("Line"),
                _("Email or reference"),
                _("Date"),
                _("Text"),
                _("Participant"),
                _("Result"),
            )
        )
        body = Markup("").join(
            Markup("<tr class='%s'>%s</tr>")
            % (
                row_class[line["status"]],
                Markup("").join(
                    Markup("<td>%s</td>") % value
                    for value in (
                        line["line"],
                        line["reference"] or line["email"],
                        line["date_text"],
                        line["text"][:80],
                        line["participant"].record_name if line.get("participant") else "",
                        line.get("reason") or results[line["status"]],
                    )
                ),
            )
            for line in lines[:PREVIEW_LINES]
        )
        return Markup(
            "<table class='table table-sm table-striped'><thead><tr>%s</tr></thead>"
            "<tbody>%s</tbody></table>"
        ) % (head, body)

    def _reopen(self, name):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": name,
        }

    # ------------------------------------------------------------------ ACTIONS

    def action_preview(self):
        self.ensure_one()
        lines = self._analyse()
        self._write_counts(lines)
        self.write(
            {
                "state": "preview",
                "preview_html": self._render_preview(lines),
                "report": "\n".join(self._unmatched_report(lines)),
            }
        )
        return self._reopen(_("Import Responses: Preview"))

    def action_import(self):
        """Create the responses of the new lines, in one create, and keep the report."""
        self.ensure_one()
        self.campaign_id.check_access("write")
        lines = self._analyse()
        new_lines = [line for line in lines if line["status"] == "new"]
        Response = self.env["marketing.automation.response"]
        partners = Response._get_partners_of(
            self.env["marketing.automation.participant"].union(
                *(line["participant"] for line in new_lines)
            )
        )
        now = fields.Datetime.now()
        Response.create(
            [
                {
                    "participant_id": line["participant"].id,
                    "campaign_id": self.campaign_id.id,
                    "partner_id": partners[line["participant"].id].id
                    if line["participant"].id in partners
                    else False,
                    "kind": "imported",
                    "date": line["date"] or now,
                    "body": plaintext2html(line["text"]) if line["text"] else False,
                    "email": line["email"] or False,
                    "import_key": line["key"],
                }
                for line in new_lines
            ]
        )
        self._write_counts(lines)
        summary = _(
            "%(added)s responses added, %(already)s lines already imported, %(unmatched)s "
            "lines not matched to a participant.",
            added=self.add_count,
            already=self.already_count,
            unmatched=self.unmatched_count,
        )
        unmatched = self._unmatched_report(lines)
        self.write({"state": "done", "report": "\n".join([summary, *unmatched])})
        title = _("Responses imported from file %(file)s", file=self.file_name or _("(unnamed)"))
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (title, summary)
        if unmatched:
            body += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % detail for detail in unmatched
            )
        self.campaign_id._message_log(body=body)
        return self._reopen(_("Import Responses: Report"))
