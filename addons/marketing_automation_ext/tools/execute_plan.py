"""What the execute cron may claim now, computed without the ORM from the rows it read."""


class ExecutePlan:
    """What the execute cron may claim now, from one read of the activities of the running
    campaigns (``_get_execute_plan`` of the trace runner).

    - ``held_activity_ids``: sending activities of paced campaigns: the general claim leaves
      their traces alone; they are claimed per campaign, within its pace;
    - ``open_campaigns``: {campaign id: (quota, [sending activity ids with traces due])} of the
      paced campaigns allowed to send a batch now;
    - ``claimable``: whether any trace may be claimed now;
    - ``next_date``: the earliest later moment when something becomes claimable, or None;
    - ``first_date``: the earliest moment something is or becomes claimable (the due date of
      the first trace that waits for no pace, possibly past), or None.
    """

    __slots__ = (
        "claimable",
        "first_date",
        "general_claimable",
        "held_activity_ids",
        "next_date",
        "open_campaigns",
    )

    def __init__(self):
        self.held_activity_ids = []
        self.open_campaigns = {}
        self.claimable = False
        self.general_claimable = False
        self.next_date = None
        self.first_date = None

    def add_date(self, date, now, general=True):
        if date is None:
            return
        if self.first_date is None or date < self.first_date:
            self.first_date = date
        if date <= now:
            self.claimable = True
            self.general_claimable = self.general_claimable or general
        elif self.next_date is None or date < self.next_date:
            self.next_date = date

    @classmethod
    def build(cls, now, activities):
        """The plan at ``now`` of ``activities``: an iterable of (activity id, campaign id,
        whether it sends emails or SMS, due date of its first scheduled trace or None, the
        SendPace of its campaign). The traces of a sending activity of a paced campaign are
        claimable from the next moment its pace allows; the others at their due date."""
        plan = cls()
        due_sending = {}
        for activity_id, campaign_id, sending, first_due, pace in activities:
            if not sending or not pace.is_paced:
                plan.add_date(first_due, now)
                continue
            plan.held_activity_ids.append(activity_id)
            if first_due is None:
                continue
            allowed = pace.next_allowed(max(first_due, now))
            plan.add_date(allowed, now, general=False)
            if allowed is not None and allowed <= now:
                due_sending.setdefault(campaign_id, (pace, []))[1].append(activity_id)
        for campaign_id, (pace, activity_ids) in due_sending.items():
            plan.open_campaigns[campaign_id] = (pace.batch_size, activity_ids)
        return plan
