"""The categories of operations (``marketing.operation.category``), a display tree."""

from odoo import api, fields, models


class MarketingOperationCategory(models.Model):
    """Tree used only to group operations for display: "Trade shows / In Paris / ERP Show"."""

    _name = "marketing.operation.category"
    _description = "Marketing Operation Category"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True, translate=True)
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one(
        "marketing.operation.category", string="Parent Category", index=True, ondelete="cascade"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("marketing.operation.category", "parent_id", string="Subcategories")
    active = fields.Boolean(default=True)
    operation_ids = fields.One2many("marketing.operation", "category_id", string="Operations")
    operation_count = fields.Integer(compute="_compute_operation_count")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            if category.parent_id:
                category.complete_name = f"{category.parent_id.complete_name} / {category.name}"
            else:
                category.complete_name = category.name

    def _compute_operation_count(self):
        counts = dict(
            self.env["marketing.operation"]._read_group(
                [("category_id", "child_of", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.operation_count = sum(
                count
                for cat, count in counts.items()
                if cat.parent_path.startswith(category.parent_path)
            )

    def action_open_operations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "marketing_ops.marketing_operation_action"
        )
        action["domain"] = [("category_id", "child_of", self.id)]
        return action
