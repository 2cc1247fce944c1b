{
    "name": "Marketing Automation (Community)",
    "summary": "Automated campaigns: activity trees, triggers, participants and traces",
    "version": "18.0.1.0.0",
    "category": "Marketing",
    "website": "https://github.com/marketing-suite/odoo-marketing-suite",
    "author": "Marketing Suite Contributors",
    "license": "LGPL-3",
    "depends": ["mass_mailing", "mass_mailing_sms", "crm", "link_tracker"],
    "data": [
        "security/marketing_automation_ext_groups.xml",
        "security/ir.model.access.csv",
        "views/marketing_automation_ext_menus.xml",
    ],
    "application": True,
    "installable": True,
}
