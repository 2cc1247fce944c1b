from . import campaign
from . import enrolment
from . import pace
from . import responses
from . import demo
