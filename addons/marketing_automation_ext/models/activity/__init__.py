from . import activity
from . import execution
from . import schedule
