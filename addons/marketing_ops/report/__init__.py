from . import ir_actions_report
from . import marketing_label_report
from . import marketing_activity_report
