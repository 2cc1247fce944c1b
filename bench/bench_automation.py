"""Benchmarks of the campaign engine (the performance targets of docs/features.md), run by ``bench/run.sh``.

For each size: create the partners (set-based), a campaign with one email activity, enrol them,
then execute the activity up to queued ``mail.mail`` and ``mailing.trace`` rows, batch by batch and
committing each batch as the cron does. Prints seconds, participants per second, SQL queries per
participant and the peak memory of the process. ``--host N`` also times the host's own
``mailing.mailing.action_send_mail()`` on N partners with the same content. ``--parallel N``
executes the same email activity for N participants by the cron in one OS process, then in two
processes side by side (each runs the host's ``ir.cron._run_job`` loop), and counts the mails
queued twice for one trace (there must be none) and the traces left unprocessed. ``--paced N``
times the cron tick of a paced campaign whose sending window is closed, N emails waiting.
"""

import os
import resource
import subprocess
import sys
import time

import benchlib
import pytz

BODY = (
    '<div class="o_layout"><p>Hello <t t-out="object.name"/>,</p>'
    '<p>Our <a href="https://www.example.com/catalogue">new catalogue</a> is out.</p></div>'
)


def parse_args():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--batch", type=int, default=5000, help="traces per cron batch")
    parser.add_argument(
        "--host", type=int, default=10000, help="also time the host mailing on N (0: skip)"
    )
    parser.add_argument(
        "--parallel",
        type=int,
        default=20000,
        help="one cron process against two on N participants (0: skip)",
    )
    parser.add_argument(
        "--paced",
        type=int,
        default=int(os.environ.get("BENCH_PACED", 100000)),
        help="the tick of a paced campaign whose window is closed, N traces waiting (0: skip)",
    )
    parser.add_argument("--worker", action="store_true", help=benchlib.argparse.SUPPRESS)
    return benchlib.parse_args(parser)


def create_campaign(env, prefix, size):
    """Partners ``prefix 1`` to ``prefix size`` and a running campaign with one email activity
    for them, committed; return (campaign, activity)."""
    benchlib.create_partners(env, prefix, size)
    campaign = env["marketing.automation.campaign"].create(
        {
            "name": f"Bench {prefix}",
            "model_id": env["ir.model"]._get_id("res.partner"),
            "domain": repr([("name", "=like", f"{prefix} %")]),
        }
    )
    activity = env["marketing.automation.activity"].create(
        {"name": "Catalogue", "campaign_id": campaign.id, "activity_type": "email"}
    )
    activity.mailing_id.write({"body_arch": BODY, "body_html": BODY, "subject": "Catalogue"})
    campaign.action_start()
    env.cr.commit()
    return campaign, activity


def bench_campaign(odoo, registry, size, batch):
    prefix = f"bench{size}"
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        campaign, activity = create_campaign(env, prefix, size)

        start = time.perf_counter()
        enrolled = campaign._enrol_participants()
        cr.commit()
        enrol_seconds = time.perf_counter() - start

        Trace = env["marketing.automation.trace"]
        queries_before = cr.sql_log_count
        start = time.perf_counter()
        executed = 0
        claim_seconds, batch_seconds = 0.0, []
        while True:
            batch_start = time.perf_counter()
            traces = Trace._claim_due(limit=batch)
            claim_seconds += time.perf_counter() - batch_start
            if not traces:
                break
            traces._execute()
            executed += len(traces)
            cr.commit()
            env.invalidate_all()
            batch_seconds.append(time.perf_counter() - batch_start)
        seconds = time.perf_counter() - start
        queries = cr.sql_log_count - queries_before
        cr.execute("SELECT count(*) FROM mail_mail WHERE mailing_id = %s", [activity.mailing_id.id])
        mails = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = %s",
            [activity.mailing_id.id],
        )
        mailing_traces = cr.fetchone()[0]
        return {
            "size": size,
            "enrolled": enrolled,
            "enrol_seconds": enrol_seconds,
            "executed": executed,
            "seconds": seconds,
            "queries": queries,
            "mails": mails,
            "mailing_traces": mailing_traces,
            "claim_seconds": claim_seconds,
            "first_batch": batch_seconds[0] if batch_seconds else 0.0,
            "last_batch": batch_seconds[-1] if batch_seconds else 0.0,
        }


def vacuum(registry):
    with registry.cursor() as cr:
        cr.commit()
        cr._cnx.autocommit = True
        try:
            cr.execute("VACUUM ANALYZE marketing_automation_trace")
        finally:
            cr._cnx.autocommit = False


def bench_idle_tick(odoo, registry, runs=20):
    """The execute cron with nothing due, whatever the history left by the runs above."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        Trace = env["marketing.automation.trace"]
        before = cr.sql_log_count
        start = time.perf_counter()
        Trace._cron_execute()  # the first one also warms the caches
        first_ms = 1000 * (time.perf_counter() - start)
        first_queries = cr.sql_log_count - before
        cr.commit()
        timings, queries = [], []
        for _run in range(runs):
            before = cr.sql_log_count
            start = time.perf_counter()
            Trace._cron_execute()
            timings.append(time.perf_counter() - start)
            queries.append(cr.sql_log_count - before)
            cr.rollback()
        cr.execute("SELECT count(*) FROM marketing_automation_trace")
        history = cr.fetchone()[0]
        return {
            "first_ms": first_ms,
            "first_queries": first_queries,
            "ms": 1000 * sorted(timings)[len(timings) // 2],
            "queries": max(queries),
            "history": history,
        }


def bench_paced_tick(odoo, registry, size, runs=20):
    """The execute cron when nothing is allowed to send: a paced campaign whose sending window
    is closed now, with ``size`` emails due and waiting. Then the campaign is stopped (set-based,
    its traces canceled) so that the cases after it see no waiting traces."""
    prefix = f"paced{size}t{time.time_ns()}"
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        campaign, _activity = create_campaign(env, prefix, size)
        # a one-hour window twelve hours away, every day, in the campaign's time zone
        local_now = pytz.utc.localize(odoo.fields.Datetime.now()).astimezone(
            campaign._get_schedule_tz()
        )
        opens = (local_now.hour + 12) % 24
        campaign.write(
            {
                "send_batch_size": 50,
                "send_batch_interval": 10,
                "send_window_enabled": True,
                "send_window_start": float(opens),
                "send_window_end": float(opens + 1),
                "send_saturday": True,
                "send_sunday": True,
            }
        )
        enrolled = campaign._enrol_participants()
        cr.commit()
        Trace = env["marketing.automation.trace"]
        Trace._cron_execute()  # the first one also warms the caches
        cr.commit()
        timings, queries = [], []
        for _run in range(runs):
            before = cr.sql_log_count
            start = time.perf_counter()
            Trace._cron_execute()
            timings.append(time.perf_counter() - start)
            queries.append(cr.sql_log_count - before)
            cr.rollback()
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE state = 'scheduled'), count(*) FILTER (WHERE state != 'scheduled')
              FROM marketing_automation_trace WHERE campaign_id = %s
            """,
            [campaign.id],
        )
        waiting, run = cr.fetchone()
        cr.execute(
            "SELECT min(call_at) FROM ir_cron_trigger WHERE cron_id = %s AND call_at > %s",
            [
                env.ref("marketing_automation_ext.ir_cron_marketing_automation_trace_execute").id,
                odoo.fields.Datetime.now(),
            ],
        )
        planned = cr.fetchone()[0]
        cr.execute(
            "UPDATE marketing_automation_trace SET state = 'canceled' WHERE campaign_id = %s"
            " AND state = 'scheduled'",
            [campaign.id],
        )
        cr.execute(
            "UPDATE marketing_automation_campaign SET state = 'stopped' WHERE id = %s",
            [campaign.id],
        )
        cr.commit()
        return {
            "enrolled": enrolled,
            "waiting": waiting,
            "run": run,
            "ms": 1000 * sorted(timings)[len(timings) // 2],
            "max_ms": 1000 * max(timings),
            "queries": max(queries),
            "planned": planned,
        }


def bench_host(odoo, registry, size):
    prefix = f"host{size}"
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        benchlib.create_partners(env, prefix, size)
        res_ids = env["res.partner"].search([("name", "=like", f"{prefix} %")]).ids
        mailing = env["mailing.mailing"].create(
            {
                "subject": "Catalogue",
                "body_arch": BODY,
                "body_html": BODY,
                "mailing_model_id": env["ir.model"]._get_id("res.partner"),
                "mailing_domain": repr([("id", "in", res_ids)]),
            }
        )
        cr.commit()
        queries_before = cr.sql_log_count
        start = time.perf_counter()
        mailing.action_send_mail(res_ids)
        cr.commit()
        seconds = time.perf_counter() - start
        return {"size": size, "seconds": seconds, "queries": cr.sql_log_count - queries_before}


def run_cron_worker(odoo, registry):
    """One OS process of ``--parallel``: once its registry is loaded, say READY and wait for GO
    on the standard input, then run the execute cron as the host's cron runner does
    (``ir.cron._run_job``: up to ten batches per job, a commit after each) until a job finds
    nothing it can claim. The job-level lock that keeps two cron workers of a database off the
    same job is left out: the processes share the due traces through their claim alone."""
    Trace = registry["marketing.automation.trace"]
    claim_due = Trace._claim_due
    claimed, committed = [], []

    def _claim_due(self, limit=None):
        traces = claim_due(self, limit=limit)
        if traces:
            count = len(traces)
            claimed.append(count)
            # a batch rolled back on a concurrent update runs again: count the committed ones
            self.env.cr.postcommit.add(lambda: committed.append(count))
        return traces

    Trace._claim_due = _claim_due
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref("marketing_automation_ext.ir_cron_marketing_automation_trace_execute")
        job = {
            "id": cron.id,
            "cron_name": cron.cron_name,
            "user_id": cron.user_id.id,
            "ir_actions_server_id": cron.ir_actions_server_id.id,
            "lastcall": cron.lastcall,
            "timed_out_counter": 0,
            "active": cron.active,
        }
    print("READY", flush=True)
    sys.stdin.readline()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_start = usage.ru_utime + usage.ru_stime
    idle_rounds = 0
    while idle_rounds < 3:
        before = len(claimed)
        registry["ir.cron"]._run_job(job)
        if len(claimed) == before:
            # nothing it could claim, or the other process had just committed rows it read
            idle_rounds += 1
            time.sleep(0.1)
        else:
            idle_rounds = 0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_start
    print("DONE", time.time(), cpu, len(claimed) - len(committed), *committed, flush=True)


def bench_parallel(odoo, registry, size, processes, batch, worker_command):
    """The email activity for ``size`` new participants executed by ``processes`` OS processes
    at once; wall time from GO to the last process done."""
    # a prefix of its own: the partners of an earlier run on the database do not match
    prefix = f"par{processes}x{size}t{time.time_ns()}"
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("marketing_automation_ext.batch_size", str(batch))
        campaign, activity = create_campaign(env, prefix, size)
        enrolled = campaign._enrol_participants()
        cr.commit()
        campaign_id, mailing_id = campaign.id, activity.mailing_id.id
    workers = [
        subprocess.Popen(worker_command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _n in range(processes)
    ]
    try:
        for worker in workers:
            if worker.stdout.readline().split() != ["READY"]:
                raise RuntimeError("a cron process did not start")
        start = time.time()
        for worker in workers:
            worker.stdin.write("GO\n")
            worker.stdin.flush()
        done = []
        for worker in workers:
            words = worker.stdout.readline().split()
            if worker.wait(timeout=3600) or not words or words[0] != "DONE":
                raise RuntimeError("a cron process failed")
            done.append((float(words[1]), float(words[2]), int(words[3]), words[4:]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    seconds = max(end for end, *_rest in done) - start
    with registry.cursor() as cr:
        cr.execute(
            """
            SELECT count(*) FILTER (WHERE t.state = 'processed'),
                   (SELECT count(*) FROM mail_mail WHERE mailing_id = %(mailing)s),
                   (SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = %(mailing)s)
              FROM marketing_automation_trace t WHERE t.campaign_id = %(campaign)s
            """,
            {"campaign": campaign_id, "mailing": mailing_id},
        )
        processed, mails, mailing_traces = cr.fetchone()
        # mailing traces beyond one per (participant, activity, occurrence), and mails without
        # a mailing trace of their own
        cr.execute(
            """
            SELECT count(*) - count(DISTINCT (t.participant_id, t.activity_id, t.occurrence)),
                   count(DISTINCT mt.mail_mail_id)
              FROM mailing_trace mt
              JOIN marketing_automation_trace t ON t.id = mt.marketing_trace_id
             WHERE t.campaign_id = %s
            """,
            [campaign_id],
        )
        extra_traces, traced_mails = cr.fetchone()
    return {
        "processes": processes,
        "size": size,
        "seconds": seconds,
        "missing": enrolled - processed,
        "mails": mails,
        "mailing_traces": mailing_traces,
        "duplicates": extra_traces + (mails - traced_mails),
        "cpu": sum(cpu for _end, cpu, *_rest in done),
        "retried": sum(retried for _end, _cpu, retried, _batches in done),
        "batches": [batches for *_rest, batches in done],
    }


def print_parallel(results):
    print()
    print(
        "The same email activity by the execute cron in separate OS processes "
        "(claim FOR UPDATE SKIP LOCKED, a commit per batch)"
    )
    print(
        f"{'processes':>9} {'participants':>12} {'execute s':>10} {'per s':>9} {'mails':>8} "
        f"{'traces':>8} {'duplicates':>10} {'missing':>8} {'cpu s':>6} {'retried':>7}"
        "  batches per process"
    )
    for result in results:
        batches = " | ".join(
            "+".join(str(n) for n in batches) or "-" for batches in result["batches"]
        )
        print(
            f"{result['processes']:>9} {result['size']:>12} {result['seconds']:>10.1f} "
            f"{result['size'] / result['seconds']:>9.0f} {result['mails']:>8} "
            f"{result['mailing_traces']:>8} {result['duplicates']:>10} {result['missing']:>8}"
            f" {result['cpu']:>6.1f} {result['retried']:>7}  {batches}",
            flush=True,
        )
    print(
        "  cpu s: CPU time of the cron processes (PostgreSQL's not counted); retried: batches"
        " rolled back on a concurrent update and run again"
    )
    if len(results) == 2:
        print(
            f"two processes against one: {results[0]['seconds'] / results[1]['seconds']:.2f}x"
            f" the throughput ({os.cpu_count()} cores for the processes and PostgreSQL)"
        )


def main():
    args, odoo_args = parse_args()
    odoo = benchlib.load_odoo(args, odoo_args)
    if args.worker:
        run_cron_worker(odoo, odoo.modules.registry.Registry(args.db))
        return
    odoo.tools.config["sql_log_count"] = True
    registry = odoo.modules.registry.Registry(args.db)

    print()
    print("One email activity, up to queued mail.mail and mailing.trace (target: <= 100 s at 100k)")
    header = (
        f"{'participants':>12} {'enrol s':>8} {'execute s':>10} {'per s':>9} "
        f"{'queries/p':>9} {'mails':>8} {'traces':>8} {'peak MB':>8} "
        f"{'claim s':>8} {'1st batch s':>11} {'last batch s':>12}"
    )
    print(header)
    results = []
    for size in args.sizes:
        result = bench_campaign(odoo, registry, size, args.batch)
        results.append(result)
        print(
            f"{size:>12} {result['enrol_seconds']:>8.1f} {result['seconds']:>10.1f} "
            f"{result['executed'] / result['seconds']:>9.0f} "
            f"{result['queries'] / max(result['executed'], 1):>9.3f} "
            f"{result['mails']:>8} {result['mailing_traces']:>8} {benchlib.peak_memory_mb():>8.0f} "
            f"{result['claim_seconds']:>8.1f} {result['first_batch']:>11.2f} "
            f"{result['last_batch']:>12.2f}",
            flush=True,
        )
    if len(results) > 1:
        last = results[-1]
        for smaller in results[:-1]:
            ratio = (last["seconds"] / last["executed"]) / (
                smaller["seconds"] / smaller["executed"]
            )
            print(
                f"time per participant at {last['size']} / at {smaller['size']}: {ratio:.2f}"
                " (target: within 10% of 1k)"
            )
    print()
    print("Scheduler tick with nothing due (target: <= 20 ms, <= 5 queries)")
    for label in ("right after the runs", "after VACUUM ANALYZE (what autovacuum does)"):
        if label.startswith("after"):
            vacuum(registry)
        tick = bench_idle_tick(odoo, registry)
        print(
            f"  {label}: {tick['ms']:.1f} ms (median of 20), {tick['queries']} queries;"
            f" first tick {tick['first_ms']:.1f} ms, {tick['first_queries']} queries;"
            f" over {tick['history']} traces of history"
        )
    if args.paced:
        paced = bench_paced_tick(odoo, registry, args.paced)
        print()
        print("Tick of a paced campaign with its sending window closed (<= 20 ms, <= 5 queries)")
        print(
            f"  {paced['waiting']} emails waiting: {paced['ms']:.1f} ms (median of 20, max"
            f" {paced['max_ms']:.1f}), {paced['queries']} queries; {paced['run']} run early;"
            f" next wake-up planned at {paced['planned']} (the window's opening)"
        )
        tick = bench_idle_tick(odoo, registry)
        print(
            f"  then nothing due (the campaign stopped): {tick['ms']:.1f} ms (median of 20),"
            f" {tick['queries']} queries; first tick {tick['first_ms']:.1f} ms"
        )
    if args.host:
        host = bench_host(odoo, registry, args.host)
        ours = next((r for r in results if r["size"] == args.host), None)
        print()
        print(
            f"Host mailing.mailing.action_send_mail() on {args.host} partners: "
            f"{host['seconds']:.1f} s, {host['queries'] / args.host:.2f} queries per recipient"
        )
        if ours:
            print(f"Speed-up of the campaign engine: {host['seconds'] / ours['seconds']:.1f}x")
    if args.parallel:
        worker_command = [
            sys.executable,
            os.path.abspath(__file__),
            "--odoo-src",
            args.odoo_src,
            "--db",
            args.db,
            "--worker",
            "--",
            *odoo_args,
        ]
        print_parallel(
            [
                bench_parallel(odoo, registry, args.parallel, processes, args.batch, worker_command)
                for processes in (1, 2)
            ]
        )


if __name__ == "__main__":
    main()
