from odoo import fields, models


class CrmPaymentCategory(models.Model):
    _name = "crm.payment.category"
    _description = "Payment Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True)
    note = fields.Text(translate=True)

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(name, company_id)",
            "A payment category with this name already exists in this company.",
        ),
    ]
