from . import crm_sales_budget_report
