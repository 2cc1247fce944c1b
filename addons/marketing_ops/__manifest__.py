{
    "name": "Marketing Operations",
    "summary": "Structured marketing operations: steps, targets, templates and campaign figures",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "website": "https://github.com/marketing-suite/odoo-marketing-suite",
    "author": "Marketing Suite Contributors",
    "license": "LGPL-3",
    "depends": ["crm", "mass_mailing", "survey", "calendar", "analytic", "contacts"],
    "data": [
        "security/marketing_ops_groups.xml",
        "security/ir.model.access.csv",
        "views/marketing_ops_menus.xml",
    ],
    "application": True,
    "installable": True,
}
