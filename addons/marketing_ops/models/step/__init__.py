"""``marketing.operation.step``, split by concern.

The core file defines the model (``_name``) and must come first: every other file extends it.
The concern files only add fields and methods of their own; the one overriding a core method
(``transition``: ``_copy_tree``) calls ``super()``, which is the core's whatever the order of
the concern files among themselves.
"""

from . import marketing_operation_step
from . import transition
from . import output
from . import export
from . import document
from . import label
from . import emailing
from . import event_message
from . import mass_emailing
from . import background
