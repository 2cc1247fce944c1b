"""The models of marketing operations: one owner file per model, a sub-folder for a model split
by concern (``operation/``, ``step/``), one file per host model extended.

Order matters in two places only, the registry building the classes in the order they are
defined:

- the confidentiality mixin comes before the models inheriting it (``_inherit`` of a model not
  yet defined fails);
- inside ``operation/`` and ``step/``, the core file defining the model comes first (see their
  ``__init__``).

Every other model, ours or an extended host model, has a single class here, so no override
depends on the order of the lines below.
"""

from . import marketing_confidential_mixin
from . import marketing_operation_category
from . import marketing_operation_family
from . import marketing_operation_state
from . import marketing_step_type
from . import marketing_target_state
from . import operation
from . import step
from . import marketing_operation_target
from . import marketing_operation_target_contact
from . import marketing_operation_transition
from . import marketing_operation_condition
from . import marketing_export_column
from . import marketing_label_format
from . import calendar_event
from . import mail_activity
from . import mail_mail
from . import mail_message
from . import mail_template
from . import mailing_mailing
from . import mailing_trace
from . import res_company
from . import res_config_settings
from . import res_partner
from . import utm_campaign
