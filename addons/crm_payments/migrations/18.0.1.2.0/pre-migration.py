"""The overdue cron's XML id follows the addons' convention ``ir_cron_<model>_<action>``: keep the
cron of existing databases (and its settings) under its new id instead of creating a second one."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE ir_model_data
           SET name = 'ir_cron_crm_payment_overdue'
         WHERE module = 'crm_payments'
           AND name = 'crm_payment_cron_overdue'
           AND NOT EXISTS (
                SELECT 1 FROM ir_model_data
                 WHERE module = 'crm_payments' AND name = 'ir_cron_crm_payment_overdue'
           )
        """
    )
