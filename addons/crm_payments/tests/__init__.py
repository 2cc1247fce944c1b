from . import test_crm_payments_install
from . import test_payment_states
from . import test_instalments
from . import test_figures
from . import test_budget_report
from . import test_multi_company
from . import test_ui
from . import test_access_sweep
