from . import marketing_automation_test_run
from . import marketing_automation_dry_run
from . import marketing_automation_campaign_enrol
from . import marketing_automation_response_import
