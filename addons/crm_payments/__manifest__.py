{
    "name": "CRM Payments and Sales Budget",
    "summary": "Payment control, instalments, overdue follow-up, campaign revenue and sales budget",
    "version": "18.0.1.0.0",
    "category": "Sales/CRM",
    "website": "https://github.com/marketing-suite/odoo-marketing-suite",
    "author": "Marketing Suite Contributors",
    "license": "LGPL-3",
    "depends": ["crm", "marketing_ops"],
    "data": [
        "security/crm_payments_groups.xml",
        "security/ir.model.access.csv",
        "security/crm_payments_security.xml",
        "views/crm_payment_mode_views.xml",
        "views/crm_payment_category_views.xml",
        "views/crm_payments_menus.xml",
    ],
    "installable": True,
}
