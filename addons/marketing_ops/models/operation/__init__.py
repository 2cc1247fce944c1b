"""``marketing.operation``, split by concern.

The core file defines the model (``_name``) and must come first: the others extend it with
fields and methods of their own, and override none of its methods.
"""

from . import marketing_operation
from . import figures
from . import mailing
