"""Benchmark of emailing steps (issue "launching a step sends"), run by ``bench/run.sh``.

Creates N partners (set-based), an operation with an emailing step targeting them all, and times
the step's launch up to queued ``mail.mail`` rows (rendered per partner, logged in each partner's
chatter, targets updated). In the same run, times the host's ``mail.compose.message`` in mass mode
sending the same template to N other partners, up to its queued ``mail.mail`` rows. Prints
seconds, recipients per second, SQL queries per recipient and the speed-up.
"""

import time

import benchlib

BODY = (
    '<div class="o_layout"><p>Hello <t t-out="object.name"/>,</p>'
    '<p>Our open house is on Friday: <t t-out="object.email"/> is on the guest list.</p></div>'
)


def parse_args():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--size", type=int, default=10000, help="targets of the emailing step")
    parser.add_argument(
        "--host", type=int, default=None, help="recipients of the host's composer (default: size)"
    )
    return benchlib.parse_args(parser)


def create_partners(env, prefix, count):
    benchlib.create_partners(env, prefix, count)
    return env["res.partner"].search([("name", "=like", f"{prefix} %")])


def create_template(env):
    return env["mail.template"].create(
        {
            "name": "Bench open house",
            "model_id": env["ir.model"]._get_id("res.partner"),
            "subject": "Open house: {{ object.name }}",
            "email_from": "marketing@bench.example.com",
            "body_html": BODY,
        }
    )


def count_mails(env, domain):
    return env["mail.mail"].sudo().search_count(domain)


def bench_step(odoo, registry, template_id, size):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env.company.marketing_launch_background_threshold = 0  # launch now, whatever the size
        partners = create_partners(env, f"step{size}x{int(time.time())}", size)
        operation = env["marketing.operation"].create({"name": f"Bench emailing {size}"})
        step = env["marketing.operation.step"].create(
            {
                "operation_id": operation.id,
                "name": "Invitation",
                "step_type_id": env.ref("marketing_ops.marketing_step_type_emailing").id,
                "mail_template_id": template_id,
            }
        )
        step._add_targets(partners)
        cr.commit()
        env.invalidate_all()
        queries_before = cr.sql_log_count
        start = time.perf_counter()
        step.action_launch()
        env.flush_all()
        cr.commit()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries_before
        mails = count_mails(env, [("marketing_step_id", "=", step.id)])
        return {"seconds": seconds, "queries": queries, "mails": mails}


def bench_host(odoo, registry, template_id, size):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        partners = create_partners(env, f"host{size}x{int(time.time())}", size)
        cr.commit()
        env.invalidate_all()
        queries_before = cr.sql_log_count
        start = time.perf_counter()
        composer = (
            env["mail.compose.message"]
            .with_context(active_ids=partners.ids, active_model="res.partner")
            .create(
                {
                    "composition_mode": "mass_mail",
                    "model": "res.partner",
                    "res_ids": partners.ids,
                    "template_id": template_id,
                    "auto_delete": False,
                }
            )
        )
        composer._action_send_mail(auto_commit=False)
        env.flush_all()
        cr.commit()
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries_before
        mails = count_mails(env, [("res_id", "in", partners.ids), ("model", "=", "res.partner")])
        return {"seconds": seconds, "queries": queries, "mails": mails}


def main():
    args, odoo_args = parse_args()
    odoo = benchlib.load_odoo(args, odoo_args)
    odoo.tools.config["sql_log_count"] = True
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        template_id = create_template(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})).id
    host_size = args.host or args.size

    print()
    print("Emailing step up to queued mail.mail, against the host's mass-mode composer (same run)")
    print(
        f"{'run':>34} {'recipients':>10} {'seconds':>8} {'per s':>8} {'queries/r':>9} {'peak MB':>8}"
    )
    rows = []
    for label, bench, size in (
        ("emailing step launch", bench_step, args.size),
        ("host mail.compose.message mass", bench_host, host_size),
    ):
        result = bench(odoo, registry, template_id, size)
        rows.append(result)
        print(
            f"{label:>34} {result['mails']:>10} {result['seconds']:>8.1f} "
            f"{result['mails'] / result['seconds']:>8.0f} "
            f"{result['queries'] / max(result['mails'], 1):>9.3f} {benchlib.peak_memory_mb():>8.0f}",
            flush=True,
        )
    ours, host = rows
    speedup = (host["seconds"] / max(host["mails"], 1)) / (ours["seconds"] / max(ours["mails"], 1))
    print(f"Speed-up of the emailing step per recipient: {speedup:.1f}x (target >= 5x, aim 10x)")


if __name__ == "__main__":
    main()
