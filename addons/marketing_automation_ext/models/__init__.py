from . import marketing_automation_campaign
from . import marketing_automation_activity
from . import marketing_automation_participant
from . import marketing_automation_trace
from . import marketing_automation_template
from . import mailing_mailing
from . import mailing_trace
from . import sms_tracker
