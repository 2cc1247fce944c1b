from . import marketing_operation_step_targeting
from . import marketing_operation_step_close
from . import marketing_operation_template_load
from . import marketing_table_file_reader
from . import marketing_operation_step_import
from . import marketing_operation_call_session
from . import marketing_operation_step_function
