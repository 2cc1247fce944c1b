"""The confidentiality mixin (``marketing.confidential.mixin``): neutral names for hidden records."""

from odoo import SUPERUSER_ID, _, api, models


class MarketingConfidentialMixin(models.AbstractModel):
    """Neutral names for confidential records their reader may not open.

    Odoo computes the labels of many2one values (``read``, ``web_read``, ``read_group`` groups,
    ``name_search``) in superuser mode, but for the current user: the check below is made for
    that user under the record rules, whatever the superuser mode, so that a label never gives
    the name of a confidential record away (exports of such a value are refused by Odoo, naming
    the records as here). Only the superuser itself (crons, installation) sees every name.
    Records that are not confidential keep their names, as their UTM campaign shows them anyway.
    """

    _name = "marketing.confidential.mixin"
    _description = "Marketing Confidential Names"

    def _get_confidential_records(self):
        """The records of ``self`` that are confidential (hidden from other users)."""
        raise NotImplementedError()

    def _get_neutral_name_depends(self):
        """The fields deciding whether a record is confidential and who may read it."""
        return []

    def _get_neutral_name(self):
        """The name shown for a confidential record its reader may not open."""
        return _("Confidential record")

    def _filtered_name_readable(self):
        """The records of ``self`` whose real name the current user may see: the records that
        are not confidential, and the confidential ones the user may read (one query)."""
        if self.env.uid == SUPERUSER_ID:
            return self
        confidential = self.sudo()._get_confidential_records()
        ids = [record._origin.id for record in confidential if record._origin.id]
        if not ids:
            return self
        Model = self.with_env(self.env(su=False)).browse().with_context(active_test=False)
        visible = set(Model._search([("id", "in", ids)])) if Model.has_access("read") else set()
        hidden_ids = set(ids) - visible
        return self.filtered(lambda record: record._origin.id not in hidden_ids)

    @api.depends(lambda self: self._get_neutral_name_depends())
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_display_name(self):
        readable = self._filtered_name_readable()
        result = super(MarketingConfidentialMixin, readable)._compute_display_name()
        hidden = self - readable
        if hidden:
            hidden.display_name = hidden._get_neutral_name()
        return result
