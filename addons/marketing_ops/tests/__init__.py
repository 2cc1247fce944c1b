from . import test_marketing_ops_install
from . import test_operation_tree
from . import test_operation_figures
from . import test_targeting_launch
from . import test_confidentiality
from . import test_templates
from . import test_target_import
from . import test_ui
