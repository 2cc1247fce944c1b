from . import test_crm_payments_install
