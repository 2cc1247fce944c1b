from odoo import fields, models, tools
from odoo.tools import SQL


class MarketingActivityReport(models.Model):
    """Daily activity report (DART): per salesperson and per day, the calls, emails, meetings
    and other activities done, from the messages of done activities and the past meetings."""

    _name = "marketing.activity.report"
    _description = "Daily Activity Report"
    _auto = False
    _order = "date desc, user_id"
    _rec_name = "date"

    date = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    activity_kind = fields.Selection(
        [("call", "Call"), ("email", "Email"), ("meeting", "Meeting"), ("other", "Other")],
        string="Kind",
        readonly=True,
    )
    activity_type_id = fields.Many2one("mail.activity.type", readonly=True)
    source = fields.Selection([("activity", "Activity done"), ("event", "Meeting")], readonly=True)
    operation_id = fields.Many2one("marketing.operation", readonly=True)
    step_id = fields.Many2one("marketing.operation.step", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    activity_count = fields.Integer(string="Done", readonly=True, aggregator="sum")
    call_count = fields.Integer(string="Calls", readonly=True, aggregator="sum")
    email_count = fields.Integer(string="Emails", readonly=True, aggregator="sum")
    meeting_count = fields.Integer(string="Meetings", readonly=True, aggregator="sum")
    other_count = fields.Integer(string="Others", readonly=True, aggregator="sum")

    def _activity_kind_sql(self):
        """The kind of a done activity, from its type: the email type of the host, the phone
        call and meeting categories."""
        return SQL(
            """CASE WHEN email_type.id IS NOT NULL THEN 'email'
                    WHEN activity_type.category = 'phonecall' THEN 'call'
                    WHEN activity_type.category = 'meeting' THEN 'meeting'
                    ELSE 'other' END"""
        )

    def _query(self):
        return SQL(
            """
            SELECT row_number() OVER () AS id, done.*, 1 AS activity_count,
                   (CASE WHEN done.activity_kind = 'call' THEN 1 ELSE 0 END) AS call_count,
                   (CASE WHEN done.activity_kind = 'email' THEN 1 ELSE 0 END) AS email_count,
                   (CASE WHEN done.activity_kind = 'meeting' THEN 1 ELSE 0 END) AS meeting_count,
                   (CASE WHEN done.activity_kind = 'other' THEN 1 ELSE 0 END) AS other_count
              FROM (%s) done
            """,
            self._done_query(self._activity_kind_sql()),
        )

    def _done_query(self, kind):
        return SQL(
            """
            SELECT message.date::date AS date,
                   message.create_uid AS user_id,
                   %s AS activity_kind,
                   message.mail_activity_type_id AS activity_type_id,
                   'activity' AS source,
                   step.operation_id AS operation_id,
                   message.marketing_step_id AS step_id,
                   step.company_id AS company_id
              FROM mail_message message
              JOIN mail_activity_type activity_type
                ON activity_type.id = message.mail_activity_type_id
              LEFT JOIN ir_model_data email_type
                ON email_type.model = 'mail.activity.type'
               AND email_type.res_id = activity_type.id
               AND email_type.module = 'mail'
               AND email_type.name = 'mail_activity_data_email'
              LEFT JOIN marketing_operation_step step ON step.id = message.marketing_step_id
             WHERE message.mail_activity_type_id IS NOT NULL
               AND message.message_type = 'notification'
            UNION ALL
            SELECT event.start::date, event.user_id, 'meeting', NULL, 'event',
                   event.marketing_operation_id, event.marketing_step_id, step.company_id
              FROM calendar_event event
              LEFT JOIN marketing_operation_step step ON step.id = event.marketing_step_id
             WHERE event.active AND event.start <= (now() at time zone 'UTC')
               AND event.user_id IS NOT NULL
            """,
            kind,
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
