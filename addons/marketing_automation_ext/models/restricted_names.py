"""Names of automation records for readers who may not open them."""

from odoo import SUPERUSER_ID


def filtered_name_readable(records):
    """The records of ``records`` whose name the current user may see (one query).

    Odoo computes the labels of many2one values (``read``, ``read_group`` groups, exports of
    host records pointing to ours, such as a mailing trace's automation trace) in superuser
    mode but for the current user: the check is made for that user under the record rules, so
    that a user of another company never reads the name of an activity through such a label.
    """
    if records.env.uid == SUPERUSER_ID:
        return records
    ids = [record._origin.id for record in records if record._origin.id]
    if not ids:
        return records
    Model = records.with_env(records.env(su=False)).browse().with_context(active_test=False)
    visible = set(Model._search([("id", "in", ids)])) if Model.has_access("read") else set()
    return records.filtered(lambda r: not r._origin.id or r._origin.id in visible)
