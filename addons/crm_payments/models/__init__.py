from . import crm_payment_mode
from . import crm_payment_category
