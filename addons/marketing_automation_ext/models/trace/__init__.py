from . import trace
from . import planning
from . import runner
