"""The crons' XML ids follow the addons' convention ``ir_cron_<model>_<action>``: keep the crons of
existing databases (and their settings) under their new ids instead of creating second ones."""

RENAMED = {
    "ir_cron_marketing_automation_execute": "ir_cron_marketing_automation_trace_execute",
    "ir_cron_marketing_automation_sync": "ir_cron_marketing_automation_campaign_enrol",
}


def migrate(cr, version):
    for old, new in RENAMED.items():
        cr.execute(
            """
            UPDATE ir_model_data
               SET name = %(new)s
             WHERE module = 'marketing_automation_ext'
               AND name = %(old)s
               AND NOT EXISTS (
                    SELECT 1 FROM ir_model_data
                     WHERE module = 'marketing_automation_ext' AND name = %(new)s
               )
            """,
            {"old": old, "new": new},
        )
