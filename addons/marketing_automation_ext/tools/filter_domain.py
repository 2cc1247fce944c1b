"""The one reader of the filters of campaigns and activities (stored as text)."""

import ast

from psycopg2 import Error as PsycopgError

from odoo.osv import expression
from odoo.tools import SQL


class FilterDomainError(ValueError):
    """A filter that cannot be used, with the reason in words."""


def parse_filter_domain(env, text, model=None):
    """Return the domain written in ``text``; raise ``FilterDomainError`` with the reason
    when it is not a list of conditions and operators in prefix notation. With ``model``
    (a recordset of the target model), also check that the domain can be searched on it:
    known fields, operators and values of the right type (a search that reads no row)."""
    try:
        domain = ast.literal_eval((text or "").strip() or "[]")
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
        raise FilterDomainError(
            env._("it is not a list of conditions such as [('name', '=', 'value')].")
        ) from error
    if not isinstance(domain, list):
        raise FilterDomainError(
            env._(
                "it must be a list of conditions such as [('name', '=', 'value')], not %(value)s.",
                value=repr(domain)[:80],
            )
        )
    for element in domain:
        if not (expression.is_operator(element) or expression.is_leaf(element)):
            raise FilterDomainError(
                env._(
                    "%(element)s is neither a condition (field, operator, value) nor one of "
                    "the operators '&', '|' and '!'.",
                    element=repr(element)[:80],
                )
            )
    try:
        expression.normalize_domain(domain)
    except ValueError as error:
        raise FilterDomainError(
            env._("an operator '&', '|' or '!' lacks the conditions it combines.")
        ) from error
    if model is not None:
        _check_searchable(domain, model)
    return domain


def _check_searchable(domain, model):
    """Build the search of ``domain`` on ``model`` as superuser (the crons search as
    superuser) and run it for no row: unknown fields and values of the wrong type fail here,
    when the filter is saved, instead of in every run of the crons."""
    model = model.sudo().with_context(active_test=False)
    try:
        query = model._search(domain)
    except Exception as error:
        raise FilterDomainError(str(error) or error.__class__.__name__) from error
    cr = model.env.cr
    try:
        with cr.savepoint(flush=False):
            cr.execute(
                SQL(
                    "SELECT 1 FROM %s WHERE %s LIMIT 0",
                    query.from_clause,
                    query.where_clause or SQL("TRUE"),
                ),
                log_exceptions=False,
            )
    except PsycopgError as error:
        reason = (error.pgerror or str(error)).strip().splitlines()[0]
        raise FilterDomainError(reason) from error
