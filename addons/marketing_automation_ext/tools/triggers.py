"""The triggers of activities, the tracked events behind them and the units of their delays.

Plain data and one function: the activity model offers them as selections, the traces react
to the events with them.
"""

from dateutil.relativedelta import relativedelta

INTERVAL_UNITS = [
    ("minutes", "Minutes"),
    ("hours", "Hours"),
    ("days", "Days"),
    ("weeks", "Weeks"),
    ("months", "Months"),
]
# delay unit -> the argument of PostgreSQL's make_interval() that counts it
PG_INTERVAL_UNITS = {
    "minutes": "mins",
    "hours": "hours",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
}

TRIGGERS = [
    ("begin", "Beginning of workflow"),
    ("activity", "After the parent activity"),
    ("mail_open", "Mail: opened"),
    ("mail_not_open", "Mail: not opened"),
    ("mail_click", "Mail: clicked"),
    ("mail_not_click", "Mail: not clicked"),
    ("mail_reply", "Mail: replied"),
    ("mail_not_reply", "Mail: not replied"),
    ("mail_bounce", "Mail: bounced"),
    ("sms_click", "SMS: clicked"),
    ("sms_not_click", "SMS: not clicked"),
    ("sms_bounce", "SMS: bounced"),
]

# event -> "not" trigger canceled when that event happens first
OPPOSITE_TRIGGERS = {
    "mail_open": ("mail_not_open",),
    "mail_click": ("mail_not_click", "mail_not_open"),
    "mail_reply": ("mail_not_reply", "mail_not_open"),
    "sms_click": ("sms_not_click",),
    # a message that bounced was never received: no follow-up goes to that address
    "mail_bounce": ("mail_not_open", "mail_not_click", "mail_not_reply"),
    "sms_bounce": ("sms_not_click",),
}
# "not" trigger -> the parent's tracking field that must stay empty for it to run
NOT_TRIGGER_FIELDS = {
    "mail_not_open": "open_datetime",
    "mail_not_click": "click_datetime",
    "mail_not_reply": "reply_datetime",
    "sms_not_click": "click_datetime",
}
EVENT_TRIGGERS = {"mail_open", "mail_click", "mail_reply", "mail_bounce", "sms_click", "sms_bounce"}
# event trigger -> the tracking field of the parent trace that records it
EVENT_FIELDS = {
    "mail_open": "open_datetime",
    "mail_click": "click_datetime",
    "mail_reply": "reply_datetime",
    "mail_bounce": "bounce_datetime",
    "sms_click": "click_datetime",
    "sms_bounce": "bounce_datetime",
}


def interval_delta(number, unit):
    return relativedelta(**{unit: number or 0})
