from . import formula
from . import numbers
