from odoo import fields, models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    marketing_step_id = fields.Many2one(
        "marketing.operation.step",
        index="btree_not_null",
        ondelete="set null",
    )
    marketing_operation_id = fields.Many2one(
        related="marketing_step_id.operation_id",
        store=True,
        index="btree_not_null",
        string="Marketing Operation",
    )

    def _action_done(self, feedback=False, attachment_ids=None):
        # the message of a done activity keeps its step, for the daily activity report
        steps = {
            (
                activity.res_model,
                activity.res_id,
                activity.activity_type_id.id,
            ): activity.marketing_step_id.id
            for activity in self
            if activity.marketing_step_id
        }
        messages, next_activities = super()._action_done(
            feedback=feedback, attachment_ids=attachment_ids
        )
        if steps:
            for message in messages.sudo():
                step_id = steps.get(
                    (message.model, message.res_id, message.mail_activity_type_id.id)
                )
                if step_id:
                    message.marketing_step_id = step_id
        return messages, next_activities
