import unicodedata
from collections import defaultdict

from markupsafe import Markup
from openpyxl.utils import get_column_letter

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# column role -> recognised headings, compared without case, accents nor punctuation
COLUMN_ALIASES = {
    "ref": (
        "reference",
        "ref",
        "code",
        "partner reference",
        "partner ref",
        "partner code",
        "reference tiers",
        "code tiers",
    ),
    "name": (
        "name",
        "partner",
        "partner name",
        "nom",
        "tiers",
        "fiche",
        "nom du tiers",
        "raison sociale",
    ),
    "company": (
        "company",
        "company name",
        "societe",
        "entreprise",
        "nom de la societe",
        "organisation",
        "organization",
    ),
    "contact": ("contact", "contact name", "nom du contact", "interlocuteur"),
    "email": ("email", "e mail", "mail", "email address", "courriel", "adresse email"),
}
# the roles that tell which partner a line is about
PARTNER_ROLES = ("ref", "name", "company", "contact")
PREVIEW_LINES = 20


def _heading_key(heading):
    """``heading`` without case, accents, punctuation nor repeated spaces."""
    text = unicodedata.normalize("NFKD", str(heading or "")).casefold()
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = "".join(char if char.isalnum() else " " for char in text)
    return " ".join(text.split())


class MarketingOperationStepImport(models.TransientModel):
    """Target the partners listed in a CSV or XLSX file: each line names a partner by its
    reference or its name, or a contact of a company; every line that cannot be targeted is
    reported with its number."""

    _name = "marketing.operation.step.import"
    _inherit = ["marketing.table.file.reader"]
    _description = "Import Targets into a Marketing Step"

    step_id = fields.Many2one(
        "marketing.operation.step",
        required=True,
        ondelete="cascade",
        domain=[("is_final", "=", True)],
    )
    file = fields.Binary(
        attachment=False,
        help="A CSV file (UTF-8, UTF-16 or Windows-1252; separated by semicolons, commas, tabs or "
        "vertical bars) or an XLSX workbook (its first sheet). Its first line names the columns.",
    )
    file_name = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")],
        default="upload",
        required=True,
    )
    line_count = fields.Integer(
        string="Lines Read",
        readonly=True,
        help="The lines below the header: added, already targeted, rejected or blank.",
    )
    add_count = fields.Integer(string="Lines to Add", readonly=True)
    already_count = fields.Integer(string="Lines Already Targeted", readonly=True)
    rejected_count = fields.Integer(string="Lines Rejected", readonly=True)
    blank_count = fields.Integer(string="Blank Lines Skipped", readonly=True)
    preview_html = fields.Html(string="First Lines", readonly=True)
    report = fields.Text(readonly=True)

    @api.onchange("file")
    def _onchange_file(self):
        self.state = "upload"
        self.report = False

    @api.model
    def _get_role_labels(self):
        return {
            "ref": _("Reference"),
            "name": _("Name"),
            "company": _("Company"),
            "contact": _("Contact"),
            "email": _("Email"),
        }

    @api.model
    def _get_expected_columns(self):
        return "; ".join(
            f"{label} ({', '.join(COLUMN_ALIASES[role])})"
            for role, label in self._get_role_labels().items()
        )

    @api.model
    def _map_columns(self, headings):
        """{role: column index} of the recognised headings."""
        role_by_key = {alias: role for role, aliases in COLUMN_ALIASES.items() for alias in aliases}
        columns = {}
        for index, heading in enumerate(headings):
            role = role_by_key.get(_heading_key(heading))
            if not role:
                continue
            if role in columns:
                raise UserError(
                    _(
                        "Columns %(first)s and %(second)s both give the %(role)s: keep only one of them.",
                        first=headings[columns[role]].strip(),
                        second=heading.strip(),
                        role=self._get_role_labels()[role],
                    )
                )
            columns[role] = index
        if not any(role in columns for role in PARTNER_ROLES):
            found = ", ".join(h.strip() for h in headings if h.strip()) or _("none")
            raise UserError(
                _(
                    "The file has no column giving the reference, the name, the company or the contact "
                    "of the partners to target.\nColumns found: %(found)s.\nExpected columns "
                    "(case and accents do not matter): %(expected)s.",
                    found=found,
                    expected=self._get_expected_columns(),
                )
            )
        return columns

    @api.model
    def _issue_text(self, issue, value, column):
        if issue == "formula":
            return _("formula without a computed value in column %(column)s", column=column)
        return _("error value %(value)s in column %(column)s", value=value, column=column)

    def _parse_file(self):
        """The lines of the file below its header: every one is a line to import, or a blank
        line (counted, not imported).

        :return: dict with ``lines`` (dicts with the line number and the text of each recognised
            column, and an ``error`` when a cell of those columns could not be read), the
            ``blank_count`` of the blank lines below the header and the ``notes`` of the reading
        """
        rows, notes = self._read_rows()
        header_index = next(
            (index for index, (_n, values, _i) in enumerate(rows) if any(map(str.strip, values))),
            None,
        )
        if header_index is None:
            raise UserError(_("The file %(file)s is empty.", file=self._get_file_label()))
        headings = rows[header_index][1]
        columns = self._map_columns(headings)
        lines, blank_count = [], 0
        for number, values, issues in rows[header_index + 1 :]:
            if not issues and not any(map(str.strip, values)):
                blank_count += 1
                continue
            line = {"line": number}
            for role, index in columns.items():
                line[role] = values[index].strip() if index < len(values) else ""
            problems = [
                self._issue_text(
                    *issues[index],
                    column=f"{get_column_letter(index + 1)} ({headings[index].strip()})",
                )
                for index in sorted(columns.values())
                if index in issues
            ]
            if problems:
                line["error"] = _(
                    "Line %(line)s: %(reason)s", line=number, reason=", ".join(problems)
                )
            lines.append(line)
        if not lines:
            raise UserError(
                _(
                    "The file %(file)s has a header line but no line to import below it.",
                    file=self._get_file_label(),
                )
            )
        return {"lines": lines, "blank_count": blank_count, "notes": notes}

    # ---- Resolving the partners -------------------------------------------------------------------

    @api.model
    def _search_partners_by_name(self, names, domain=()):
        """Partners whose name is one of ``names``, case-insensitively, in one search."""
        Partner = self.env["res.partner"]
        keys = tuple({name.lower() for name in names if name})
        if not keys:
            return Partner
        query = Partner._search(list(domain))
        name_sql = Partner._field_to_sql(Partner._table, "name", query)
        query.add_where(SQL("lower(%s) IN %s", name_sql, keys))
        return Partner.browse(query)

    @api.model
    def _narrow(self, candidates, line, by_company=False):
        """Among several candidates, keep those of the line's email, then of its company."""
        if len(candidates) > 1 and line.get("email"):
            email = line["email"].lower()
            same_email = candidates.filtered(lambda p: (p.email or "").strip().lower() == email)
            candidates = same_email or candidates
        if len(candidates) > 1 and by_company and line.get("company"):
            company = line["company"].lower()
            same_company = candidates.filtered(
                lambda p: (p.parent_id.name or "").lower() == company
            )
            candidates = same_company or candidates
        return candidates

    def _resolve_lines(self, lines):
        """Set on each line the ``partner`` it names, or the ``error`` why it names none.

        One search for all references, one for all names, one for all contacts."""
        Partner = self.env["res.partner"]
        refs = {line["ref"] for line in lines if line.get("ref")}
        by_ref = defaultdict(lambda: Partner)
        if refs:
            for partner in Partner.search([("ref", "in", list(refs))]):
                by_ref[partner.ref] |= partner
        by_name = defaultdict(lambda: Partner)
        names = {line.get("name") for line in lines} | {line.get("company") for line in lines}
        for partner in self._search_partners_by_name(names):
            by_name[partner.name.lower()] |= partner
        by_contact_name = defaultdict(lambda: Partner)
        contact_names = {line.get("contact") for line in lines}
        for partner in self._search_partners_by_name(contact_names, [("is_company", "=", False)]):
            by_contact_name[partner.name.lower()] |= partner

        for line in lines:
            if line.get("error"):
                continue
            number = line["line"]
            ref, name, company = line.get("ref"), line.get("name"), line.get("company")
            contact = line.get("contact")
            holder = Partner
            if ref:
                holder = by_ref[ref]
                if not holder:
                    line["error"] = _(
                        "Line %(line)s: unknown reference %(ref)s", line=number, ref=ref
                    )
                elif len(holder) > 1:
                    line["error"] = _(
                        "Line %(line)s: ambiguous reference %(ref)s (%(count)s partners)",
                        line=number,
                        ref=ref,
                        count=len(holder),
                    )
            elif name or company:
                label = name or company
                holder = by_name[label.lower()]
                if not name:
                    holder = holder.filtered("is_company")
                holder = self._narrow(holder, line, by_company=bool(name))
                if not holder:
                    line["error"] = _(
                        "Line %(line)s: unknown name %(name)s", line=number, name=label
                    )
                elif len(holder) > 1:
                    line["error"] = _(
                        "Line %(line)s: ambiguous name %(name)s (%(count)s partners)",
                        line=number,
                        name=label,
                        count=len(holder),
                    )
            elif not contact:
                line["error"] = _(
                    "Line %(line)s: neither a reference nor a name to find the partner",
                    line=number,
                )
            if line.get("error"):
                continue
            if contact:
                persons = by_contact_name[contact.lower()]
                if holder:
                    persons = persons.filtered(lambda p, holder=holder: p.parent_id == holder)
                persons = self._narrow(persons, line)
                if not persons:
                    line["error"] = (
                        _(
                            "Line %(line)s: unknown contact %(contact)s in %(partner)s",
                            line=number,
                            contact=contact,
                            partner=holder.display_name,
                        )
                        if holder
                        else _(
                            "Line %(line)s: unknown contact %(contact)s",
                            line=number,
                            contact=contact,
                        )
                    )
                    continue
                if len(persons) > 1:
                    line["error"] = _(
                        "Line %(line)s: ambiguous contact %(contact)s (%(count)s contacts)",
                        line=number,
                        contact=contact,
                        count=len(persons),
                    )
                    continue
                holder = persons
            line["partner"] = holder
        return lines

    # ---- Classifying the lines --------------------------------------------------------------------

    @api.model
    def _target_of(self, partner):
        """(targeted partner, targeted contact or empty) as ``_add_targets`` targets ``partner``."""
        if partner.parent_id and not partner.is_company:
            return partner.parent_id, partner
        return partner, partner.browse()

    def _classify_lines(self, lines):
        """Set on each line its ``status``: ``new``, ``already`` (in the step, or earlier in the
        file) or ``rejected`` (with its ``error``)."""
        step = self.step_id
        resolved = [line for line in lines if "partner" in line]
        for line in resolved:
            line["target"], line["contact"] = self._target_of(line["partner"])
        existing = {
            target.partner_id: target.contact_ids.partner_id
            for target in self.env["marketing.operation.target"].search(
                [
                    ("step_id", "=", step.id),
                    ("partner_id", "in", [line["target"].id for line in resolved]),
                ]
            )
        }
        kind_errors = {}
        # where the file first targets a (partner, contact), and a partner at all
        first_line, first_target_line = {}, {}
        for line in lines:
            if "partner" not in line:
                line["status"] = "rejected"
                continue
            target, contact = line["target"], line["contact"]
            if target not in kind_errors:
                kind_errors[target] = step.operation_id._partner_kind_error(target)
            if kind_errors[target]:
                line["status"] = "rejected"
                line["error"] = _(
                    "Line %(line)s: %(reason)s", line=line["line"], reason=kind_errors[target]
                )
                continue
            key = (target, contact)
            in_step = target in existing and (not contact or contact in existing[target])
            if in_step:
                line["status"] = "already"
            elif key in first_line or (not contact and target in first_target_line):
                line["status"] = "already"
                line["same_as"] = first_line.get(key) or first_target_line[target]
            else:
                line["status"] = "new"
            first_line.setdefault(key, line["line"])
            first_target_line.setdefault(target, line["line"])
        return lines

    def _analyse(self):
        """What importing the file does: ``_parse_file``'s result, each line with its status."""
        self.ensure_one()
        result = self._parse_file()
        self._classify_lines(self._resolve_lines(result["lines"]))
        return result

    def _write_counts(self, result):
        """The counts of ``result``: every line below the header is added, already targeted,
        rejected or blank."""
        statuses = [line["status"] for line in result["lines"]]
        self.write(
            {
                "line_count": len(statuses) + result["blank_count"],
                "add_count": statuses.count("new"),
                "already_count": statuses.count("already"),
                "rejected_count": statuses.count("rejected"),
                "blank_count": result["blank_count"],
            }
        )

    # ---- Presenting -------------------------------------------------------------------------------

    @api.model
    def _line_result(self, line):
        if line["status"] == "rejected":
            return line["error"]
        if line["status"] == "already":
            if line.get("same_as"):
                return _("Already in the file at line %(line)s", line=line["same_as"])
            return _("Already targeted")
        if line["contact"]:
            return _("Added as a contact of %(company)s", company=line["target"].display_name)
        return _("Added")

    def _render_preview(self, lines):
        roles = [role for role in COLUMN_ALIASES if any(role in line for line in lines)]
        headings = self._get_role_labels()
        row_class = {"new": "text-success", "already": "text-muted", "rejected": "text-danger"}
        head = Markup("").join(
            Markup("<th>%s</th>") % heading
            for heading in [
                _("Line"),
                *(headings[role] for role in roles),
                _("Partner"),
                _("Result"),
            ]
        )
        body = Markup("").join(
            Markup("<tr class='%s'>%s</tr>")
            % (
                row_class[line["status"]],
                Markup("").join(
                    Markup("<td>%s</td>") % value
                    for value in [
                        line["line"],
                        *(line.get(role, "") for role in roles),
                        line["partner"].display_name if line.get("partner") else "",
                        self._line_result(line),
                    ]
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

    @api.model
    def _rejected_lines(self, lines):
        return [line["error"] for line in lines if line["status"] == "rejected"]

    # ---- Actions ----------------------------------------------------------------------------------

    def action_preview(self):
        self.ensure_one()
        result = self._analyse()
        self._write_counts(result)
        rejected = self._rejected_lines(result["lines"])
        self.write(
            {
                "state": "preview",
                "preview_html": self._render_preview(result["lines"]),
                "report": "\n".join(
                    [
                        *result["notes"],
                        *([_("Lines that will be rejected:"), *rejected] if rejected else []),
                    ]
                ),
            }
        )
        return self._reopen(_("Import Targets: Preview"))

    def action_import(self):
        """Target the partners of every line that can be, in one ``_add_targets`` call."""
        self.ensure_one()
        result = self._analyse()
        lines = result["lines"]
        new_lines = [line for line in lines if line["status"] == "new"]
        partners = self.env["res.partner"].union(*(line["partner"] for line in new_lines))
        new_targets, refused = self.step_id._add_targets(partners)
        for line in new_lines:
            if line["target"] in refused:
                line["status"] = "rejected"
                line["error"] = _(
                    "Line %(line)s: %(reason)s", line=line["line"], reason=refused[line["target"]]
                )
        self._write_counts(result)
        new_contacts = sum(1 for line in lines if line["status"] == "new" and line["contact"])
        summary = _(
            "%(added)s lines added (%(targets)s new targets, %(contacts)s new contacts), "
            "%(already)s lines already targeted, %(rejected)s lines rejected.",
            added=self.add_count,
            targets=len(new_targets),
            contacts=new_contacts,
            already=self.already_count,
            rejected=self.rejected_count,
        )
        if self.blank_count:
            summary = " ".join(
                [summary, _("%(count)s blank lines skipped.", count=self.blank_count)]
            )
        rejected = self._rejected_lines(lines)
        self.write({"state": "done", "report": "\n".join([summary, *result["notes"], *rejected])})
        self._post_report(summary, result["notes"] + rejected)
        return self._reopen(_("Import Targets: Report"))

    def _post_report(self, summary, details):
        """Keep the report on the operation's chatter, as a note logged by the importing user
        (who needs no email address for it)."""
        title = _(
            "Targets imported into step %(step)s from file %(file)s",
            step=self.step_id.complete_name,
            file=self._get_file_label(),
        )
        body = Markup("<p><b>%s</b></p><p>%s</p>") % (title, summary)
        if details:
            body += Markup("<ul>%s</ul>") % Markup("").join(
                Markup("<li>%s</li>") % detail for detail in details
            )
        self.step_id.operation_id._message_log(body=body)
