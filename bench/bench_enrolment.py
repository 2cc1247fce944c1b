"""Enrolment on change of a campaign, run by ``bench/run.sh``.

Create N partners (set-based), a running campaign that enrols on change the partners whose job
position is "Buyer", then one ORM write that gives the N partners that position: the campaign's
rules enrol them all in that write. Prints the seconds and SQL queries of the write and of the
campaign's rules within it, the participants and traces created and the peak memory of the
process. The same write on N other partners without any campaign listening gives the cost of the
host's write itself.
"""

import time

import benchlib


def parse_args():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--size", type=int, default=100000)
    return benchlib.parse_args(parser)


class RuleTimer:
    """Time spent, and queries run, in the campaign's rules (``_apply_rules``)."""

    def __init__(self, env):
        self.seconds, self.queries = 0.0, 0
        campaign_class = type(env["marketing.automation.campaign"])
        original = campaign_class._apply_rules
        timer = self

        def _apply_rules(campaigns, records):
            start, queries = time.perf_counter(), campaigns.env.cr.sql_log_count
            try:
                return original(campaigns, records)
            finally:
                timer.seconds += time.perf_counter() - start
                timer.queries += campaigns.env.cr.sql_log_count - queries

        campaign_class._apply_rules = _apply_rules


def timed_write(env, prefix, function):
    partners = env["res.partner"].search([("name", "=like", f"{prefix} %")])
    cr = env.cr
    queries_before = cr.sql_log_count
    start = time.perf_counter()
    partners.write({"function": function})
    env.flush_all()
    cr.commit()
    return time.perf_counter() - start, cr.sql_log_count - queries_before, len(partners)


def main():
    args, odoo_args = parse_args()
    odoo = benchlib.load_odoo(args, odoo_args)
    odoo.tools.config["sql_log_count"] = True
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        benchlib.create_partners(env, "rulesbase", args.size)
        benchlib.create_partners(env, "rules", args.size)
        baseline_seconds, baseline_queries, _count = timed_write(env, "rulesbase", "Seller")
        env.invalidate_all()

        campaign = env["marketing.automation.campaign"].create(
            {
                "name": "Bench enrolment on change",
                "model_id": env["ir.model"]._get_id("res.partner"),
                "domain": repr([("function", "=", "Buyer"), ("name", "=like", "rules %")]),
                "enrol_by_filter": False,
                "enrol_on_change": True,
            }
        )
        env["marketing.automation.activity"].create(
            {
                "name": "Welcome",
                "campaign_id": campaign.id,
                "activity_type": "email",
                "interval_number": 1,
                "interval_type": "days",
            }
        )
        campaign.action_start()
        cr.commit()
        rules = RuleTimer(env)
        seconds, queries, count = timed_write(env, "rules", "Buyer")
        cr.execute(
            "SELECT count(*) FROM marketing_automation_participant WHERE campaign_id = %s",
            [campaign.id],
        )
        participants = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM marketing_automation_trace WHERE campaign_id = %s",
            [campaign.id],
        )
        traces = cr.fetchone()[0]

    print()
    print("Enrolment on change: one write makes N records match (target: <= 20 s at 100k)")
    print(
        f"{'records':>8} {'rules s':>8} {'queries':>8} {'write s':>8} {'queries':>8} "
        f"{'participants':>12} {'traces':>8} {'peak MB':>8} {'write without campaign s':>25} "
        f"{'queries':>8}"
    )
    print(
        f"{count:>8} {rules.seconds:>8.1f} {rules.queries:>8} {seconds:>8.1f} {queries:>8} "
        f"{participants:>12} {traces:>8} {benchlib.peak_memory_mb():>8.0f} "
        f"{baseline_seconds:>25.1f} {baseline_queries:>8}"
    )


if __name__ == "__main__":
    main()
