"""The sending pace of a campaign: its fields, their checks and the pace they make (the
computation itself is ``tools/send_pace.py``)."""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ...tools.send_pace import PACE_FIELDS, SENDING_ACTIVITY_TYPES, WEEKDAY_FIELDS, SendPace

PARAM_PREFIX = "marketing_automation_ext."


class MarketingAutomationCampaignPace(models.Model):
    """Sending pace of a campaign: messages per batch, minutes between batches and an optional
    sending window (weekdays and hours in the campaign's time zone)."""

    _inherit = "marketing.automation.campaign"

    send_batch_size = fields.Integer(
        string="Messages per Batch",
        default=0,
        help="Emails and SMS the campaign sends at most per batch. 0: the global setting "
        "(Settings > Marketing Automation); no limit when both are 0.",
    )
    send_batch_interval = fields.Integer(
        string="Minutes between Batches",
        default=0,
        help="Minutes to wait after a batch before the next one. 0: the global setting.",
    )
    send_window_enabled = fields.Boolean(
        string="Sending Window",
        help="Send emails and SMS only on the chosen weekdays, between the chosen hours, in the "
        "time zone of the campaign's company. What is due outside waits for the next opening.",
    )
    send_window_start = fields.Float(string="Send From", default=9.0)
    send_window_end = fields.Float(
        string="Send Until",
        default=17.0,
        help="An end at or before the start closes the window the next day (e.g. 22:00 to 02:00).",
    )
    send_monday = fields.Boolean(string="Monday", default=True)
    send_tuesday = fields.Boolean(string="Tuesday", default=True)
    send_wednesday = fields.Boolean(string="Wednesday", default=True)
    send_thursday = fields.Boolean(string="Thursday", default=True)
    send_friday = fields.Boolean(string="Friday", default=True)
    send_saturday = fields.Boolean(string="Saturday")
    send_sunday = fields.Boolean(string="Sunday")
    send_tz = fields.Char(string="Time Zone", compute="_compute_send_tz")
    send_last_batch_date = fields.Datetime(
        string="Last Batch", readonly=True, copy=False, help="When the last paced batch went out."
    )
    send_next_batch_date = fields.Datetime(
        string="Next Batch",
        compute="_compute_send_next_batch_date",
        help="When the next emails or SMS waiting in this campaign go out, given its pace and "
        "sending window.",
    )

    _sql_constraints = [
        (
            "send_pace_positive",
            "CHECK(send_batch_size >= 0 AND send_batch_interval >= 0)",
            "The messages per batch and the minutes between batches cannot be negative.",
        ),
    ]

    # ------------------------------------------------------------------ COMPUTES

    def _compute_send_tz(self):
        for campaign in self:
            campaign.send_tz = campaign._get_schedule_tz().zone

    def _compute_send_next_batch_date(self):
        Trace = self.env["marketing.automation.trace"]
        running = self.filtered(lambda c: c.state == "running" and c.id)
        first_due = {}
        if running:
            first_due = dict(
                Trace._read_group(
                    [
                        ("campaign_id", "in", running.ids),
                        ("state", "=", "scheduled"),
                        ("is_test", "=", False),
                        ("activity_id.activity_type", "in", SENDING_ACTIVITY_TYPES),
                    ],
                    ["campaign_id"],
                    ["schedule_date:min"],
                )
            )
        now = fields.Datetime.now()
        for campaign in self:
            due = first_due.get(campaign)
            campaign.send_next_batch_date = (
                campaign._get_send_pace().next_allowed(max(due, now)) if due else False
            )

    # ------------------------------------------------------------------ CONSTRAINTS

    @api.constrains("send_window_enabled", "send_window_start", "send_window_end", *WEEKDAY_FIELDS)
    def _check_send_window(self):
        for campaign in self.filtered("send_window_enabled"):
            if not 0 <= campaign.send_window_start < 24 or not 0 < campaign.send_window_end <= 24:
                raise ValidationError(
                    _(
                        "The sending window of campaign %(name)s must open and close between "
                        "00:00 and 24:00.",
                        name=campaign.name,
                    )
                )
            if not any(campaign[fname] for fname in WEEKDAY_FIELDS):
                raise ValidationError(
                    _(
                        "The sending window of campaign %(name)s needs at least one weekday.",
                        name=campaign.name,
                    )
                )

    # ------------------------------------------------------------------ ORM

    def write(self, vals):
        res = super().write(vals)
        if any(fname in vals for fname in PACE_FIELDS):
            # the next batch may come earlier: the scheduler plans it again
            self.env["marketing.automation.trace"]._wake_execute_cron()
        return res

    # ------------------------------------------------------------------ BUSINESS

    @api.model
    def _get_global_send_pace(self):
        """(messages per batch, minutes between batches, emails per contact per 7 days) of
        the settings; 0 for none."""
        get_param = self.env["ir.config_parameter"].sudo().get_param

        def number(key):
            value = get_param(PARAM_PREFIX + key) or ""
            return int(value) if value.isdigit() else 0

        return number("send_batch_size"), number("send_batch_interval"), number("pressure_cap")

    @api.model
    def _make_send_pace(self, values, tz_names):
        """The SendPace of a campaign from its values (a dict of the pace fields and
        ``send_last_batch_date``) and the time zone names to try in order."""
        size, interval, _cap = self._get_global_send_pace()
        return SendPace.from_values(values, tz_names, size, interval)

    def _get_send_pace(self):
        self.ensure_one()
        values = {fname: self[fname] for fname in (*PACE_FIELDS, "send_last_batch_date")}
        return self._make_send_pace(values, [self._get_schedule_tz().zone])
