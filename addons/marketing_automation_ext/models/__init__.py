# The restricted-name mixin comes first: the models of campaigns inherit it, and a model is
# built from the models it inherits, which must be loaded already.
from . import marketing_automation_restricted_mixin

# Each model comes before the partials extending it. Within campaign/, activity/ and trace/,
# the import order of the partials is the order of their overrides of the same method
# (create, write, init): each calls the one of the partial imported before it.
from . import campaign
from . import activity
from . import marketing_automation_participant
from . import trace
from . import marketing_automation_template
from . import mailing_mailing
from . import mailing_trace
from . import sms_tracker
from . import utm_campaign
from . import res_config_settings
from . import marketing_automation_list_source
from . import mailing_list
from . import mailing_subscription
from . import marketing_automation_response
from . import mail_thread
from . import fetchmail_server
from . import res_partner
