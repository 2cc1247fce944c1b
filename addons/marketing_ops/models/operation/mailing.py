"""What the steps of an operation sent, and the lists of its analytic account."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..step.emailing import sent_messages_action


class MarketingOperation(models.Model):
    """What the operation's steps sent: emails, survey answers, mailing statistics, and the
    projects, expenses and timesheets of its analytic account when those modules are installed."""

    _inherit = "marketing.operation"

    sent_email_count = fields.Integer(compute="_compute_sent_figures", string="Emails")
    survey_answer_count = fields.Integer(compute="_compute_sent_figures", string="Answers")
    mailing_sent = fields.Integer(compute="_compute_sent_figures")
    mailing_opened = fields.Integer(compute="_compute_sent_figures")
    mailing_clicked = fields.Integer(compute="_compute_sent_figures")
    mailing_replied = fields.Integer(compute="_compute_sent_figures")
    mailing_bounced = fields.Integer(compute="_compute_sent_figures")
    project_count = fields.Integer(compute="_compute_analytic_counts", string="Projects")
    expense_count = fields.Integer(compute="_compute_analytic_counts", string="Expenses")
    timesheet_count = fields.Integer(compute="_compute_analytic_counts", string="Timesheets")
    has_project = fields.Boolean(compute="_compute_analytic_counts")
    has_expense = fields.Boolean(compute="_compute_analytic_counts")
    has_timesheet = fields.Boolean(compute="_compute_analytic_counts")

    def _compute_sent_figures(self):
        steps = self.env["marketing.operation.step"].search([("operation_id", "in", self.ids)])
        emails = dict(
            self.env["mail.message"]
            .sudo()
            ._read_group(
                [("marketing_step_id", "in", steps.ids)], ["marketing_step_id"], ["__count"]
            )
        )
        answers = dict(
            self.env["marketing.operation.target"]._read_group(
                [("operation_id", "in", self.ids), ("user_input_id", "!=", False)],
                ["operation_id"],
                ["user_input_id:count_distinct"],
            )
        )
        for operation in self:
            op_steps = steps.filtered(lambda s, op=operation: s.operation_id == op._origin)
            operation.sent_email_count = sum(emails.get(step, 0) for step in op_steps)
            operation.survey_answer_count = answers.get(operation._origin, 0)
            mailed = op_steps.filtered("mailing_id")
            for stat in ("sent", "opened", "clicked", "replied", "bounced"):
                operation[f"mailing_{stat}"] = sum(mailed.mapped(f"mailing_{stat}"))

    def _get_analytic_models(self):
        """{figure: (model, domain on the analytic account ids)} of the installed host modules."""
        models_domains = {}
        if "project.project" in self.env:
            models_domains["project"] = ("project.project", lambda ids: [("account_id", "in", ids)])
        if "hr.expense" in self.env:
            models_domains["expense"] = (
                "hr.expense",
                lambda ids: [("analytic_distribution", "in", ids)],
            )
        if "project_id" in self.env["account.analytic.line"]._fields:
            models_domains["timesheet"] = (
                "account.analytic.line",
                lambda ids: [("project_id", "!=", False), ("auto_account_id", "in", ids)],
            )
        return models_domains

    def _compute_analytic_counts(self):
        models_domains = self._get_analytic_models()
        for operation in self:
            account = operation.analytic_account_id
            for figure in ("project", "expense", "timesheet"):
                operation[f"has_{figure}"] = figure in models_domains
                count = 0
                if figure in models_domains and account:
                    model, domain = models_domains[figure]
                    if self.env[model].has_access("read"):
                        count = self.env[model].search_count(domain(account.ids))
                operation[f"{figure}_count"] = count

    # ---- Actions ------------------------------------------------------------------------------------

    def action_view_sent_emails(self):
        self.ensure_one()
        return sent_messages_action(self.env, [("marketing_step_id.operation_id", "=", self.id)])

    def action_view_survey_answers(self):
        self.ensure_one()
        answers = self.target_ids.user_input_id
        return {
            "type": "ir.actions.act_window",
            "name": _("Answers"),
            "res_model": "survey.user_input",
            "view_mode": "list,form",
            "domain": [("id", "in", answers.ids)],
            "context": {"create": False},
        }

    def _action_view_analytic(self, figure, name):
        self.ensure_one()
        models_domains = self._get_analytic_models()
        if figure not in models_domains or not self.analytic_account_id:
            raise UserError(_("Set an analytic account on the operation to follow its costs."))
        model, domain = models_domains[figure]
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "list,form",
            "domain": domain(self.analytic_account_id.ids),
        }

    def action_view_projects(self):
        return self._action_view_analytic("project", _("Projects"))

    def action_view_expenses(self):
        return self._action_view_analytic("expense", _("Expenses"))

    def action_view_timesheets(self):
        return self._action_view_analytic("timesheet", _("Timesheets"))
