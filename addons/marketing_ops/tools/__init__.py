from . import formula
