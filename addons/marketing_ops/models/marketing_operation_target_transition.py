from odoo import api, models


class MarketingOperationTarget(models.Model):
    """Targets move on through the transitions without conditions of their step as soon as they
    reach a status of kind "ok": by a launch, a status set by hand or a call."""

    _inherit = "marketing.operation.target"

    @api.model_create_multi
    def create(self, vals_list):
        targets = super().create(vals_list)
        targets.step_id._progress_targets(targets)
        return targets

    def _search_ids(self, domain):
        """The set of the ids of the targets matching ``domain``, unordered, in one query
        (record rules apply unless in sudo)."""
        query = self._search(domain)
        return {row[0] for row in self.env.execute_query(query.select())}

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state_id"):
            self.step_id._progress_targets(self)
        return res
