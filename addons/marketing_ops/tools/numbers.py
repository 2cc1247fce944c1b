"""Checks of the numbers given to the ORM, shared by the addons of the suite."""

import math

from odoo.exceptions import ValidationError


def check_finite_numbers(model, vals_list):
    """Refuse the amounts of ``vals_list`` (values for ``model``) that are not numbers (NaN) or
    are infinite, before anything rounds, converts or stores them and fails on them."""
    for vals in vals_list:
        for name, value in vals.items():
            field = model._fields.get(name)
            if not field or field.type not in ("float", "monetary") or value is None:
                continue
            try:
                number = float(value)
            except (TypeError, ValueError):
                continue  # not a number at all: the field refuses it itself
            if not math.isfinite(number):
                raise ValidationError(
                    model.env._(
                        "%(field)s must be a finite number, not %(value)s.",
                        field=field._description_string(model.env),
                        value=value,
                    )
                )
