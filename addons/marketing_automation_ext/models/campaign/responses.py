"""Responses of a campaign, and the polling of its incoming mail servers after each send:
5 minutes after the send, then at doubling intervals, and no longer one week after it."""

import logging
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import format_datetime

_logger = logging.getLogger(__name__)

# minutes between a send and the first check of the campaign's incoming mail servers
FETCH_FIRST_DELAY = 5
# each interval between two checks is this many times the previous one
FETCH_GROWTH = 2
# how long after the last send the servers are checked
FETCH_PERIOD = timedelta(days=7)
# messages fetched from one server at a time (a check or a manual update)
FETCH_LIMIT = 100
FETCH_CRON = "marketing_automation_ext.ir_cron_marketing_automation_campaign_fetch_responses"


class MarketingAutomationCampaignResponses(models.Model):
    _inherit = "marketing.automation.campaign"

    response_ids = fields.One2many("marketing.automation.response", "campaign_id")
    response_count = fields.Integer(
        string="Responses", compute="_compute_response_count", help="Test responses left out."
    )
    # the host lets administrators only read incoming mail servers (they hold passwords)
    fetchmail_server_ids = fields.Many2many(
        "fetchmail.server",
        "marketing_automation_campaign_fetchmail_server_rel",
        "campaign_id",
        "server_id",
        string="Incoming Mail Servers",
        groups="base.group_system",
        copy=False,
        help="The servers where replies to this campaign's emails arrive: they are checked 5 "
        "minutes after each send, then less and less often, for a week.",
    )
    has_fetchmail_servers = fields.Boolean(compute="_compute_has_fetchmail_servers")
    response_last_send = fields.Datetime(
        string="Last Send",
        readonly=True,
        copy=False,
        help="When the campaign last queued emails: the checks of its incoming mail servers "
        "count from it.",
    )
    response_fetch_next = fields.Datetime(
        string="Next Check for Responses", readonly=True, copy=False, index="btree_not_null"
    )
    response_fetch_interval = fields.Integer(
        string="Check Interval (minutes)",
        readonly=True,
        copy=False,
        help="The interval that led to the next check; the one after it is twice as long.",
    )
    response_last_fetch = fields.Datetime(string="Last Check", readonly=True, copy=False)
    response_fetch_plan = fields.Char(
        string="Response Checks", compute="_compute_response_fetch_plan"
    )

    # ------------------------------------------------------------------ COMPUTES

    def _compute_response_count(self):
        data = self.env["marketing.automation.response"]._read_group(
            [("campaign_id", "in", self.ids), ("is_test", "=", False)],
            ["campaign_id"],
            ["__count"],
        )
        counts = {campaign.id: count for campaign, count in data}
        for campaign in self:
            campaign.response_count = counts.get(campaign.id, 0)

    @api.depends("fetchmail_server_ids")
    def _compute_has_fetchmail_servers(self):
        for campaign in self:
            campaign.has_fetchmail_servers = bool(campaign.sudo().fetchmail_server_ids)

    @api.depends(
        "has_fetchmail_servers",
        "response_fetch_next",
        "response_fetch_interval",
        "response_last_send",
        "response_last_fetch",
    )
    @api.depends_context("tz", "lang")
    def _compute_response_fetch_plan(self):
        for campaign in self:
            campaign.response_fetch_plan = campaign._get_response_fetch_plan()

    def _get_response_fetch_plan(self):
        """The plan of the next checks of the incoming mail servers, in words."""
        self.ensure_one()
        if not self.has_fetchmail_servers:
            return _(
                "No incoming mail server: replies count as the host's mail gateway receives them."
            )
        if self.response_fetch_next:
            end = self.response_last_send + FETCH_PERIOD
            following = self.response_fetch_next + timedelta(
                minutes=self.response_fetch_interval * FETCH_GROWTH
            )
            if following < end:
                return _(
                    "Next check on %(next)s, the following one %(minutes)s minutes later; checks"
                    " stop on %(end)s, one week after the last send.",
                    next=format_datetime(self.env, self.response_fetch_next),
                    minutes=self.response_fetch_interval * FETCH_GROWTH,
                    end=format_datetime(self.env, end),
                )
            return _(
                "Next check on %(next)s; checks stop on %(end)s, one week after the last send.",
                next=format_datetime(self.env, self.response_fetch_next),
                end=format_datetime(self.env, end),
            )
        if self.response_last_send:
            return _(
                "No check planned: the last send (%(date)s) is more than a week old. "
                "Update responses checks the servers now.",
                date=format_datetime(self.env, self.response_last_send),
            )
        return _(
            "The servers are checked 5 minutes after each send, then at doubling intervals, "
            "for a week."
        )

    # ------------------------------------------------------------------ ORM

    def write(self, vals):
        res = super().write(vals)
        if "fetchmail_server_ids" in vals:
            # servers named after a send: their checks start now
            now = fields.Datetime.now()
            self.filtered(
                lambda c: (
                    c.has_fetchmail_servers
                    and not c.response_fetch_next
                    and c.response_last_send
                    and now < c.response_last_send + FETCH_PERIOD
                )
            )._plan_response_fetch(now, last_send=False)
        return res

    # ------------------------------------------------------------------ ACTIONS

    def action_view_responses(self):
        return self._action_view("marketing_automation_ext.marketing_automation_response_action")

    def action_update_responses(self):
        """Check the campaign's incoming mail servers now, at most 100 messages each."""
        self.check_access("write")
        servers = self.sudo().fetchmail_server_ids._get_campaign_servers()
        if not servers:
            raise UserError(
                _(
                    "No incoming mail server to check: an administrator names the servers where "
                    "the replies to this campaign arrive."
                )
            )
        before = self.env["marketing.automation.response"].search_count(
            [("campaign_id", "in", self.ids)]
        )
        fetched = servers._fetch_campaign_responses(FETCH_LIMIT, raise_exception=True)
        self.sudo().write({"response_last_fetch": fields.Datetime.now()})
        added = (
            self.env["marketing.automation.response"].search_count(
                [("campaign_id", "in", self.ids)]
            )
            - before
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": _(
                    "%(fetched)s messages fetched (at most %(limit)s per server), "
                    "%(added)s new responses.",
                    fetched=fetched,
                    limit=FETCH_LIMIT,
                    added=added,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ------------------------------------------------------------------ POLLING

    def _plan_response_fetch(self, now, last_send=True):
        """These campaigns sent at ``now`` (``last_send``) or just named their servers: the
        first check of their servers comes ``FETCH_FIRST_DELAY`` minutes later."""
        if not self:
            return
        campaigns = self.sudo()
        with_servers = campaigns.filtered("has_fetchmail_servers")
        first = now + timedelta(minutes=FETCH_FIRST_DELAY)
        if last_send:
            with_servers = campaigns._set_response_last_send(now, with_servers)
        elif with_servers:
            with_servers.write(
                {"response_fetch_next": first, "response_fetch_interval": FETCH_FIRST_DELAY}
            )
        if with_servers:
            self.env.ref(FETCH_CRON).sudo()._trigger(first)

    def _set_response_last_send(self, now, with_servers):
        """Record the send of these campaigns at ``now`` and restart the plan of those of
        ``with_servers``; return the campaigns planned. Several workers may send batches of
        one campaign at the same time: a campaign whose row another transaction holds or has
        just changed is left to it (it plans the same checks, a few seconds apart), so that
        sending never waits nor fails for the plan."""
        self.env.flush_all()
        planned = self.browse()
        for campaign in self:
            try:
                with self.env.cr.savepoint(flush=False):
                    self.env.cr.execute(
                        SQL(
                            "SELECT id FROM marketing_automation_campaign WHERE id = %s"
                            " FOR NO KEY UPDATE NOWAIT",
                            campaign.id,
                        ),
                        log_exceptions=False,
                    )
                    has_servers = campaign in with_servers
                    self.env.cr.execute(
                        SQL(
                            """
                            UPDATE marketing_automation_campaign
                               SET response_last_send = %(now)s,
                                   response_fetch_next = CASE WHEN %(plan)s THEN %(first)s
                                                         ELSE response_fetch_next END,
                                   response_fetch_interval = CASE WHEN %(plan)s THEN %(delay)s
                                                             ELSE response_fetch_interval END
                             WHERE id = %(id)s
                            """,
                            now=now,
                            plan=has_servers,
                            first=now + timedelta(minutes=FETCH_FIRST_DELAY),
                            delay=FETCH_FIRST_DELAY,
                            id=campaign.id,
                        ),
                        log_exceptions=False,
                    )
            except (pg_errors.LockNotAvailable, pg_errors.SerializationFailure):
                _logger.info(
                    "Campaign %s: a concurrent send plans its response checks", campaign.id
                )
                continue
            if has_servers:
                planned |= campaign
        self.invalidate_recordset(
            ["response_last_send", "response_fetch_next", "response_fetch_interval"]
        )
        return planned

    def _replan_response_fetch(self, now):
        """These campaigns' servers were checked at ``now``: the next check comes twice the
        previous interval later, the last one week after the last send, then none."""
        for campaign in self.sudo():
            end = (campaign.response_last_send or now) + FETCH_PERIOD
            if now >= end or not campaign.has_fetchmail_servers:
                values = {"response_fetch_next": False, "response_fetch_interval": 0}
            else:
                interval = (campaign.response_fetch_interval or FETCH_FIRST_DELAY) * FETCH_GROWTH
                values = {
                    "response_fetch_next": min(now + timedelta(minutes=interval), end),
                    "response_fetch_interval": interval,
                }
            campaign.write({**values, "response_last_fetch": now})

    @api.model
    def _cron_fetch_responses(self):
        """Check the servers of the campaigns whose check is due (each server once, at most
        100 messages), plan their next checks and wake up for the earliest one."""
        now = fields.Datetime.now()
        due = self.sudo().search([("response_fetch_next", "<=", now)])
        servers = due.fetchmail_server_ids._get_campaign_servers()
        fetched = servers._fetch_campaign_responses(FETCH_LIMIT) if servers else 0
        due._replan_response_fetch(now)
        self.env["ir.cron"]._notify_progress(done=fetched, remaining=0)
        following = self.sudo().search(
            [("response_fetch_next", "!=", False)], order="response_fetch_next", limit=1
        )
        if following:
            self.env.ref(FETCH_CRON).sudo()._trigger(following.response_fetch_next)
