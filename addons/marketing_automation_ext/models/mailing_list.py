import logging
from datetime import datetime, time

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models, tools
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# lists the refresh cron takes per call; it calls again while some are left
CRON_LIST_BATCH = 10

# errors of concurrent transactions: the cron runner retries them, they are not the list's
TRANSIENT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)


class MailingList(models.Model):
    """Marketing lists: a host mailing list filled from filters on contacts, companies, leads
    and projects, so that Email Marketing, its opt-outs and campaigns on mailing contacts
    work with them unchanged."""

    _inherit = "mailing.list"

    marketing_source_ids = fields.One2many(
        "marketing.automation.list.source", "list_id", string="Sources", copy=True
    )
    marketing_auto_refresh = fields.Boolean(
        string="Refresh Daily",
        help="Every day, add to the list the contacts its sources match since the last "
        "refresh, with the rights of the user who switched this on.",
    )
    marketing_refresh_user_id = fields.Many2one(
        "res.users",
        string="Refreshed As",
        readonly=True,
        copy=False,
        help="The daily refresh reads the sources' records with this user's rights: the "
        "last one who refreshed the list or switched the daily refresh on.",
    )
    marketing_last_refresh = fields.Datetime(string="Last Refresh", readonly=True, copy=False)
    marketing_refresh_summary = fields.Char(string="Last Refresh Result", readonly=True, copy=False)
    marketing_refresh_error = fields.Text(string="Refresh Error", readonly=True, copy=False)
    marketing_refresh_error_date = fields.Datetime(readonly=True, copy=False)

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("marketing_auto_refresh"):
                vals.setdefault("marketing_refresh_user_id", self.env.uid)
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("marketing_auto_refresh") and "marketing_refresh_user_id" not in vals:
            vals = dict(vals, marketing_refresh_user_id=self.env.uid)
        return super().write(vals)

    # ------------------------------------------------------------------ ACTIONS

    def action_refresh_marketing_sources(self):
        """Add to the lists the contacts their sources match, and tell what was done."""
        results = self._refresh_marketing_sources()
        self.write({"marketing_refresh_user_id": self.env.uid})
        message = " ".join(result["summary"] for result in results.values())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Marketing list refreshed"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    # ------------------------------------------------------------------ BUSINESS

    def _refresh_marketing_sources(self):
        """Fill each list from its sources, set-based: the sources' addresses are normalised
        and deduplicated (the first source and record win), matched against the mailing
        contacts that already have them, and the missing contacts and subscriptions are
        created in bulk. A contact who opted out of the list stays out; the blacklist is
        neither read nor written (Email Marketing leaves blacklisted addresses out when it
        sends). Return {list id: figures}, each with a ``summary`` in words."""
        results = {}
        for mailing_list in self:
            results[mailing_list.id] = mailing_list._refresh_marketing_list()
        return results

    def _refresh_marketing_list(self):
        self.ensure_one()
        self.check_access("write")
        self.env["mailing.subscription"].check_access("create")
        wanted, figures = self._collect_marketing_recipients()
        removed = self._remove_unmatched_marketing_subscriptions(list(wanted))
        existing = self._match_mailing_contacts(list(wanted))
        new_contacts, new_subscriptions = [], []
        already = opted_out = 0
        for email, (model, res_id, name, company) in wanted.items():
            contact_ids, subscribed, unsubscribed = existing.get(email, ([], False, False))
            if subscribed:
                already += 1
            elif unsubscribed:
                opted_out += 1  # never re-subscribed
            elif contact_ids:
                new_subscriptions.append((contact_ids[0], model, res_id))
            else:
                new_contacts.append(self._prepare_marketing_contact_values(email, name, company))
                new_subscriptions.append((None, model, res_id))
        Contact = self.env["mailing.contact"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            default_list_ids=False,
        )
        contacts = iter(Contact.create(new_contacts).ids)
        added = self._insert_marketing_subscriptions(
            [
                (contact_id or next(contacts), f"{model},{res_id}")
                for contact_id, model, res_id in new_subscriptions
            ]
        )
        figures.update(
            added=added,
            created=len(new_contacts),
            already=already,
            opted_out=opted_out,
        )
        figures["summary"] = _(
            "%(list)s: %(added)s contacts added (%(created)s new), %(already)s already in the "
            "list, %(opted_out)s opted out and kept out, %(duplicates)s duplicate addresses "
            "merged, %(no_email)s records without email.",
            list=self.name,
            **figures,
        )
        figures["removed"] = removed
        if removed:
            figures["summary"] += " " + _(
                "%(count)s contacts who no longer match the sources left the list.",
                count=removed,
            )
        self.write(
            {
                "marketing_last_refresh": fields.Datetime.now(),
                "marketing_refresh_summary": figures["summary"],
                "marketing_refresh_error": False,
                "marketing_refresh_error_date": False,
            }
        )
        return figures

    def _remove_unmatched_marketing_subscriptions(self, emails):
        """Unsubscribe, in one query, the contacts the sources brought into the list whose
        address the sources no longer give (their record changed or left the filters); return
        how many. Contacts added by hand stay, and so do those who opted out: their opt-out is
        what keeps them out when their address comes back. The mailing contacts remain."""
        self.ensure_one()
        self.env["mailing.subscription"].flush_model()
        self.env["mailing.contact"].flush_model(["email_normalized"])
        self.env.cr.execute(
            SQL(
                """DELETE FROM mailing_subscription s
                         USING mailing_contact c
                         WHERE c.id = s.contact_id AND s.list_id = %s
                           AND s.marketing_source_ref IS NOT NULL AND s.opt_out IS NOT TRUE
                           AND (c.email_normalized IS NULL
                                OR NOT c.email_normalized = ANY(%s))""",
                self.id,
                emails,
            )
        )
        removed = self.env.cr.rowcount
        if removed:
            self.env.invalidate_all()
        return removed

    def _insert_marketing_subscriptions(self, rows):
        """Subscribe ``rows`` [(contact id, source "model,id")] to the list in one query,
        whatever their number, as the host merges lists (the ORM would check each source
        record's existence one by one); return how many were added. A subscription made
        meanwhile by someone else is kept as it is."""
        self.ensure_one()
        if not rows:
            return 0
        now, uid = self.env.cr.now(), self.env.uid
        self.env.cr.execute(
            SQL(
                """INSERT INTO mailing_subscription
                        (contact_id, list_id, opt_out, marketing_source_ref,
                         create_uid, create_date, write_uid, write_date)
                   SELECT new.contact_id, %s, FALSE, new.source, %s, %s, %s, %s
                     FROM unnest(%s::int[], %s::varchar[]) AS new(contact_id, source)
              ON CONFLICT (contact_id, list_id) DO NOTHING""",
                self.id,
                uid,
                now,
                uid,
                now,
                [contact_id for contact_id, _source in rows],
                [source for _contact_id, source in rows],
            )
        )
        added = self.env.cr.rowcount
        # the lists' contacts, subscriptions and figures read the new rows again
        self.env.invalidate_all()
        return added

    def _collect_marketing_recipients(self):
        """({normalised email: (model, record id, name, company name)}, figures) of the
        records the list's sources match, the first source and record of an address kept."""
        self.ensure_one()
        wanted = {}
        no_email = with_email = 0
        for source in self.marketing_source_ids:
            rows = source._read_recipients()
            source_no_email = 0
            for res_id, email, name, company in rows:
                normalized = tools.email_normalize(email or "", strict=False)
                if not normalized:
                    source_no_email += 1
                    continue
                with_email += 1
                if normalized not in wanted:
                    if not name:
                        name = tools.parse_contact_from_email(email)[0]
                    wanted[normalized] = (source.model_name, res_id, name, company)
            no_email += source_no_email
            source.write({"last_record_count": len(rows), "last_no_email_count": source_no_email})
        figures = {"no_email": no_email, "duplicates": with_email - len(wanted)}
        return wanted, figures

    def _match_mailing_contacts(self, emails):
        """{normalised email: ([contact ids], subscribed, opted out)} of the mailing contacts
        having one of ``emails``, in one query: ``subscribed`` when one of them is in this
        list and not opted out, ``opted out`` when one of them opted out of it. The contact
        to subscribe is the first one already in the list, else the oldest."""
        self.ensure_one()
        if not emails:
            return {}
        self.env["mailing.contact"].flush_model(["email", "email_normalized"])
        self.env["mailing.subscription"].flush_model(["contact_id", "list_id", "opt_out"])
        rows = self.env.execute_query(
            SQL(
                """SELECT contact.email_normalized, contact.id, subscription.id,
                          COALESCE(subscription.opt_out, FALSE)
                     FROM mailing_contact contact
                LEFT JOIN mailing_subscription subscription
                       ON subscription.contact_id = contact.id AND subscription.list_id = %s
                    WHERE contact.email_normalized = ANY(%s)
                 ORDER BY subscription.id IS NULL, contact.id""",
                self.id,
                emails,
            )
        )
        matched = {}
        for email, contact_id, subscription_id, opt_out in rows:
            contact_ids, subscribed, unsubscribed = matched.get(email, ([], False, False))
            contact_ids.append(contact_id)
            if subscription_id:
                subscribed = subscribed or not opt_out
                unsubscribed = unsubscribed or opt_out
            matched[email] = (contact_ids, subscribed, unsubscribed)
        return matched

    @api.model
    def _prepare_marketing_contact_values(self, email, name, company):
        """Values of the mailing contact created for an address a source found."""
        return {"email": email, "name": name or email, "company_name": company or False}

    # ------------------------------------------------------------------ CRON

    def _get_marketing_refresh_due_domain(self):
        """Lists the daily cron refreshes: switched on and neither refreshed nor failed
        today (UTC)."""
        today = datetime.combine(fields.Datetime.now().date(), time.min)
        return [
            ("marketing_auto_refresh", "=", True),
            ("marketing_source_ids", "!=", False),
            "|",
            ("marketing_last_refresh", "=", False),
            ("marketing_last_refresh", "<", today),
            "|",
            ("marketing_refresh_error_date", "=", False),
            ("marketing_refresh_error_date", "<", today),
        ]

    @api.model
    def _cron_refresh_marketing_sources(self):
        """Refresh the lists due, a bounded number per call, each with the rights of the user
        who switched its refresh on; a list that fails is rolled back and records why, the
        others go on."""
        domain = self._get_marketing_refresh_due_domain()
        lists = self.search(
            domain, limit=CRON_LIST_BATCH, order="marketing_last_refresh asc nulls first, id"
        )
        done = 0
        for mailing_list in lists:
            user = mailing_list.marketing_refresh_user_id or mailing_list.create_uid
            try:
                with self.env.cr.savepoint():
                    mailing_list.with_user(user).with_context(
                        allowed_company_ids=user.company_ids.ids
                    )._refresh_marketing_sources()
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:
                _logger.warning("Refresh of mailing list %s failed: %s", mailing_list.id, error)
                mailing_list.sudo().write(
                    {
                        "marketing_refresh_error": str(error) or error.__class__.__name__,
                        "marketing_refresh_error_date": fields.Datetime.now(),
                    }
                )
                continue
            done += 1
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
