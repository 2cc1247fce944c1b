"""Plain Python of the campaign engine: what can be computed without the ORM (the sending
pace, the plan of the execute cron, the triggers and delays of activities) and the reader of
the filters written as text."""

from . import execute_plan
from . import filter_domain
from . import send_pace
from . import triggers
