"""One OS process of the fault tests (tests/test_cron_faults.py), run with the suite's Python.

``setup``: commit partners (one set-based insert), a running campaign with an email activity and
a follow-up email activity, and enrol the partners, so that their first traces are due now.

``run``: execute the due traces the way the host's cron runner does (``ir.cron._run_job``: a
progress record, the cron's server action, a commit, up to ten batches per job), again and again
until a round of the job finds nothing it can claim. The job-level lock of ``_acquire_one_job`` is
left out on purpose: it is what keeps two cron workers of one database off the same job, and these
processes run the job's code side by side to check the claim of the traces alone.

The process tells what it does on its standard output, one line per event, flushed at once:
``CLAIMED n`` (a batch of n traces locked, not yet committed), ``QUEUED n`` (a chunk of n mails
inserted), ``COMMITTED n`` (the batch of n traces committed), ``HOLDING`` (with
``--hold-after-chunks K``: after the K-th chunk, the process keeps its transaction open and
sleeps, to be killed there), ``DONE claimed=n`` at the end.

Usage: cron_fault_worker.py --odoo-src SRC --db DB {setup|run} [options] -- <odoo options>
"""

import argparse
import json
import sys
import time

BODY = (
    '<div class="o_layout"><p>Hello <t t-out="object.name"/>,</p>'
    '<p>Our <a href="https://www.example.com/catalogue">new catalogue</a> is out.</p></div>'
)
CRON_XMLID = "marketing_automation_ext.ir_cron_marketing_automation_trace_execute"


def emit(*words):
    print(*words, flush=True)


def parse_args():
    argv = sys.argv[1:]
    odoo_args = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_args = argv[:index], argv[index + 1 :]
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("mode", choices=["setup", "run"])
    parser.add_argument("--participants", type=int, default=3000)
    parser.add_argument("--prefix", default="fault")
    parser.add_argument("--batch", type=int, default=0, help="traces per cron batch (setup)")
    parser.add_argument(
        "--shape",
        choices=["follow-up", "two-starts", "tags"],
        default="follow-up",
        help="a second email after the first one, a second one at the start, or a contact "
        "tag added first and the email after it (setup)",
    )
    parser.add_argument("--hold-after-chunks", type=int, default=0)
    parser.add_argument(
        "--pause-after-claim",
        action="store_true",
        help="after the first claim, say PAUSED and wait for a line on the standard input",
    )
    parser.add_argument("--deadline", type=float, default=240.0, help="seconds (run)")
    return parser.parse_args(argv), odoo_args


def load_registry(args, odoo_args):
    sys.path.insert(0, args.odoo_src)
    import odoo  # noqa: PLC0415 — the Odoo source is only known at run time

    odoo.tools.config.parse_config([*odoo_args, "-d", args.db, "--log-level", "warn"])
    return odoo, odoo.modules.registry.Registry(args.db)


def setup(odoo, registry, args):
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        prefix = args.prefix
        cr.execute(
            """
            INSERT INTO res_partner (name, complete_name, email, email_normalized, active, type,
                                     is_company, lang, create_date, write_date, create_uid,
                                     write_uid)
            SELECT %(prefix)s || ' ' || n, %(prefix)s || ' ' || n,
                   %(prefix)s || '.' || n || '@fault.example.com',
                   %(prefix)s || '.' || n || '@fault.example.com',
                   TRUE, 'contact', FALSE, 'en_US', now() at time zone 'UTC',
                   now() at time zone 'UTC', 1, 1
              FROM generate_series(1, %(count)s) AS n
            """,
            {"prefix": prefix, "count": args.participants},
        )
        if args.batch:
            env["ir.config_parameter"].set_param(
                "marketing_automation_ext.batch_size", str(args.batch)
            )
        campaign = env["marketing.automation.campaign"].create(
            {
                "name": f"Faults {prefix}",
                "model_id": env["ir.model"]._get_id("res.partner"),
                "domain": repr([("name", "=like", f"{prefix} %")]),
            }
        )
        Activity = env["marketing.automation.activity"]
        first = {"name": "Catalogue", "campaign_id": campaign.id, "activity_type": "email"}
        if args.shape == "tags":
            tag = env["res.partner.category"].create({"name": f"Reached {prefix}"})
            first.update(activity_type="tags_add", partner_category_ids=[(6, 0, tag.ids)])
        activities = Activity.create(first)
        second = {"name": "Reminder", "campaign_id": campaign.id, "activity_type": "email"}
        if args.shape != "two-starts":
            second.update(parent_id=activities.id, trigger_type="activity")
        activities |= Activity.create(second)
        for activity in activities.filtered(lambda a: a.activity_type == "email"):
            activity.mailing_id.write(
                {"body_arch": BODY, "body_html": BODY, "subject": activity.name}
            )
        campaign.action_start()
        cr.commit()
        enrolled = campaign._enrol_participants()
        cr.commit()
        emit(
            json.dumps(
                {
                    "campaign_id": campaign.id,
                    "activity_ids": activities.ids,
                    "mailing_ids": activities.mailing_id.ids,
                    "email_activity_ids": activities.filtered(
                        lambda a: a.activity_type == "email"
                    ).ids,
                    "tag_ids": activities.partner_category_ids.ids,
                    "enrolled": enrolled,
                }
            )
        )


def instrument(registry, hold_after_chunks, pause_after_claim):
    """Report claims, chunks and commits on stdout; hold after the given chunk, or pause after
    the first claim until told to go on, if asked."""
    Trace = registry["marketing.automation.trace"]
    Mailing = registry["mailing.mailing"]
    claim_due, queue_mails = Trace._claim_due, Mailing._queue_automation_mails
    state = {"claimed": 0, "chunks": 0}

    def _claim_due(self, limit=None):
        traces = claim_due(self, limit=limit)
        if traces:
            state["claimed"] += len(traces)
            emit("CLAIMED", len(traces))
            count = len(traces)
            self.env.cr.postcommit.add(lambda: emit("COMMITTED", count))
            if pause_after_claim and state["claimed"] == count:
                # the rows are locked and this transaction's snapshot is taken: whatever others
                # commit now is a concurrent update for it
                emit("PAUSED")
                sys.stdin.readline()
        return traces

    def _queue_automation_mails(self, *args, **kwargs):
        mails = queue_mails(self, *args, **kwargs)
        state["chunks"] += 1
        emit("QUEUED", len(mails))
        if hold_after_chunks and state["chunks"] == hold_after_chunks:
            # the batch is half done and uncommitted: whoever holds this process kills it here
            emit("HOLDING")
            time.sleep(600)
        return mails

    Trace._claim_due = _claim_due
    Mailing._queue_automation_mails = _queue_automation_mails
    return state


def run(odoo, registry, args):
    state = instrument(registry, args.hold_after_chunks, args.pause_after_claim)
    IrCron = registry["ir.cron"]
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cron = env.ref(CRON_XMLID)
        job = {
            "id": cron.id,
            "cron_name": cron.cron_name,
            "user_id": cron.user_id.id,
            "ir_actions_server_id": cron.ir_actions_server_id.id,
            "lastcall": cron.lastcall,
            "timed_out_counter": 0,
            "active": cron.active,
        }
    deadline = time.monotonic() + args.deadline
    idle_rounds = 0
    while time.monotonic() < deadline and idle_rounds < 3:
        before = state["claimed"]
        IrCron._run_job(job)
        if state["claimed"] == before:
            # nothing left it can claim (or another process had just committed the rows it
            # read): look again a little later before giving up
            idle_rounds += 1
            time.sleep(0.2)
        else:
            idle_rounds = 0
    emit(f"DONE claimed={state['claimed']}")


def main():
    args, odoo_args = parse_args()
    odoo, registry = load_registry(args, odoo_args)
    if args.mode == "setup":
        setup(odoo, registry, args)
    else:
        run(odoo, registry, args)


if __name__ == "__main__":
    main()
