"""Neutral names for the automation records their reader may not open."""

from odoo import SUPERUSER_ID, api, models


class MarketingAutomationRestrictedMixin(models.AbstractModel):
    """The label "Restricted" for the records of campaigns their reader may not open.

    Odoo computes the labels of many2one values (``read``, ``read_group`` groups, exports of
    host records pointing to ours, such as a mailing trace's automation trace) in superuser
    mode but for the current user: the check is made for that user under the record rules, so
    that a user of another company never reads the name of an activity through such a label.
    The readable records get their usual label (``_compute_readable_display_name``).
    """

    _name = "marketing.automation.restricted.mixin"
    _description = "Automation Restricted Names"

    def _get_restricted_name_depends(self):
        """The fields the label of a readable record is made of."""
        return []

    def _filtered_name_readable(self):
        """The records of ``self`` whose name the current user may see (one query)."""
        if self.env.uid == SUPERUSER_ID:
            return self
        ids = [record._origin.id for record in self if record._origin.id]
        if not ids:
            return self
        Model = self.with_env(self.env(su=False)).browse().with_context(active_test=False)
        visible = set(Model._search([("id", "in", ids)])) if Model.has_access("read") else set()
        return self.filtered(lambda r: not r._origin.id or r._origin.id in visible)

    @api.depends(lambda self: self._get_restricted_name_depends())
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_display_name(self):
        readable = self._filtered_name_readable()
        hidden = self - readable
        hidden.display_name = self.env._("Restricted")
        return readable._compute_readable_display_name()

    def _compute_readable_display_name(self):
        """The label of records their reader may open: the usual one, unless overridden."""
        return super()._compute_display_name()
