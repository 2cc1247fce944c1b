from . import test_marketing_automation_install
