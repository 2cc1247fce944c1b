from . import test_marketing_automation_install
from . import test_campaign_execution
from . import test_campaign_triggers
from . import test_campaign_live
from . import test_campaign_dry_run
from . import test_campaign_concurrency
from . import test_campaign_performance
from . import test_campaign_templates
