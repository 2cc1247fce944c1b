from . import crm_lead_instalment
