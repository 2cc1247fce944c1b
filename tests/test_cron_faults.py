"""Faults: the execute cron of marketing_automation_ext across OS processes and crashes.

Two OS processes run the cron's code on the same due traces at once (tests/cron_fault_worker.py,
the host's ``ir.cron._run_job`` without the job-level lock that would keep them apart); one is
killed with SIGKILL in the middle of a batch; a third one reruns the cron. Every trace must then
be processed, with exactly one ``mail.mail`` and one ``mailing.trace``, and nothing may be left
locked, half-written or waiting.

The test runs in the suite (``make test``), which exports the cluster's PGHOST and PGPORT and gives
ODOO_SRC, SUITE_VENV and TEST_DB. It works on a database of its own, dropped at the end: a copy of
the run's test database when that one holds marketing_automation_ext and nobody is connected to it
(a few seconds), else a fresh install of marketing_automation_ext.
"""

import json
import os
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).with_name("cron_fault_worker.py")
PARTICIPANTS = 3000
# traces per cron batch: the mails of a batch are queued in chunks of 1,000, so a batch of 1,500
# is two chunks and a process stopped after the first one is in the middle of its batch
BATCH = 1500
INSTALL_TIMEOUT = 600
WORKER_TIMEOUT = 180


def environment():
    """The cluster and the Odoo of the suite's run, or a failure saying what is missing."""
    missing = [name for name in ("ODOO_SRC", "SUITE_VENV", "PGHOST") if not os.environ.get(name)]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} not set: this test runs within `make test`, which sets up "
            "the cluster and the Odoo source and exports them"
        )
    state = Path(os.environ.get("SUITE_STATE") or ROOT / ".local")
    return {
        "odoo_src": os.environ["ODOO_SRC"],
        "python": str(Path(os.environ["SUITE_VENV"]) / "bin" / "python"),
        "host": os.environ["PGHOST"],
        "port": os.environ.get("PGPORT", "5432"),
        "user": os.environ.get("DB_USER", "odoo"),
        "data_dir": state / "data",
    }


class FaultDatabase:
    def __init__(self, env, name, tmp_path):
        self.env, self.name, self.tmp_path = env, name, tmp_path
        self.odoo_args = [
            "-c",
            str(ROOT / "odoo.conf"),
            "--addons-path",
            f"{env['odoo_src']}/addons,{ROOT / 'addons'}",
            "--data-dir",
            str(env["data_dir"]),
            "--db_host",
            env["host"],
            "--db_port",
            env["port"],
            "--db_user",
            env["user"],
        ]
        self.workers = []

    def connect(self, dbname=None):
        import psycopg2  # noqa: PLC0415 — the suite's virtualenv has it, not every interpreter

        cnx = psycopg2.connect(
            host=self.env["host"],
            port=self.env["port"],
            user=self.env["user"],
            dbname=dbname or self.name,
        )
        cnx.autocommit = True
        return cnx

    def drop(self):
        cnx = self.connect("postgres")
        try:
            with cnx.cursor() as cr:
                cr.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            cnx.close()
        shutil.rmtree(self.env["data_dir"] / "filestore" / self.name, ignore_errors=True)

    def create(self, template):
        """A copy of ``template`` (the run's test database) if it has the addon and is free,
        else a fresh install."""
        if template and self.copy(template):
            return
        self.install()

    def copy(self, template):
        import psycopg2  # noqa: PLC0415

        try:
            cnx = self.connect(template)
        except psycopg2.OperationalError:
            return False
        try:
            with cnx.cursor() as cr:
                installed = fetch(
                    cr,
                    """SELECT 1 FROM ir_module_module
                        WHERE name = 'marketing_automation_ext' AND state = 'installed'""",
                )
        except psycopg2.Error:
            installed = False
        finally:
            cnx.close()
        if not installed:
            return False
        cnx = self.connect("postgres")
        try:
            with cnx.cursor() as cr:
                # a template must have no session: wait a moment for the one just closed
                for _attempt in range(50):
                    try:
                        cr.execute(f'CREATE DATABASE "{self.name}" TEMPLATE "{template}"')
                        break
                    except psycopg2.errors.ObjectInUse:
                        time.sleep(0.1)
                else:
                    return False
        finally:
            cnx.close()
        filestore = self.env["data_dir"] / "filestore"
        if (filestore / template).is_dir():
            shutil.copytree(filestore / template, filestore / self.name)
        print(f"{self.name} copied from {template}")
        return True

    def install(self):
        start = time.monotonic()
        result = subprocess.run(
            [
                self.env["python"],
                f"{self.env['odoo_src']}/odoo-bin",
                *self.odoo_args,
                "-d",
                self.name,
                "-i",
                "marketing_automation_ext",
                "--without-demo=all",
                "--stop-after-init",
                "--no-http",
                "--log-level",
                "warn",
            ],
            capture_output=True,
            text=True,
            timeout=INSTALL_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert result.returncode == 0, f"installing the addon failed:\n{result.stderr[-3000:]}"
        print(f"{self.name} installed in {time.monotonic() - start:.1f} s")

    def command(self, *args):
        return [
            self.env["python"],
            str(WORKER),
            "--odoo-src",
            self.env["odoo_src"],
            "--db",
            self.name,
            *map(str, args),
            "--",
            *self.odoo_args,
        ]

    def setup_campaign(self, prefix, shape="follow-up", participants=PARTICIPANTS):
        result = subprocess.run(
            self.command(
                "setup",
                "--participants",
                participants,
                "--prefix",
                prefix,
                "--batch",
                BATCH,
                "--shape",
                shape,
            ),
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        campaign = json.loads(result.stdout.splitlines()[-1])
        assert campaign["enrolled"] == participants
        campaign["participants"] = participants
        return campaign

    def start_worker(self, label, *args, stdin=subprocess.DEVNULL):
        worker = Worker(self.command("run", *args), self.tmp_path / f"{label}.err", stdin)
        self.workers.append(worker)
        return worker

    def kill_leftovers(self):
        for worker in self.workers:
            worker.kill()


class Worker:
    """A running cron process; its output lines are collected as they come."""

    def __init__(self, command, stderr_path, stdin=subprocess.DEVNULL):
        self.stderr_path = stderr_path
        self.lines = []
        self.changed = threading.Condition()
        with open(stderr_path, "w", encoding="utf-8") as stderr:
            self.proc = subprocess.Popen(
                command,
                stdout=subprocess.PIPE,
                stderr=stderr,
                stdin=stdin,
                text=True,
            )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line.strip())
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def wait_for(self, word, timeout):
        """Wait for a line starting with ``word``; fail if the process ends or time runs out."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while not any(line.startswith(word) for line in self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self.reader.is_alive()):
                    pytest.fail(f"no {word} from the worker; it said {self.lines}: {self.stderr}")
                self.changed.wait(min(left, 0.5))

    def wait(self, timeout=WORKER_TIMEOUT):
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the worker did not finish within {timeout} s; it said {self.lines}")
        self.reader.join(timeout=10)
        return self.proc.returncode

    def kill(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)

    def counts(self, word):
        return [int(line.split()[1]) for line in self.lines if line.startswith(word + " ")]

    @property
    def uncommitted(self):
        """Traces this process claimed that it never committed."""
        return sum(self.counts("CLAIMED")) - sum(self.counts("COMMITTED"))

    @property
    def stderr(self):
        return self.stderr_path.read_text(encoding="utf-8")[-3000:]

    def assert_clean(self):
        """Exit status 0, and no error logged but the host's own report of the statement that
        met a concurrent update (the batch is then run again)."""
        assert self.proc.returncode == 0, self.stderr
        lines = self.stderr_path.read_text(encoding="utf-8").splitlines()
        errors = [
            line
            for line in lines
            if ("ERROR" in line or "Traceback" in line)
            and "odoo.sql_db: bad query" not in line
            and line != "ERROR: could not serialize access due to concurrent update"
        ]
        assert not errors, self.stderr


@pytest.fixture(scope="module")
def fault_db(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("faults")
    env = environment()
    test_db = os.environ.get("TEST_DB", "suite")
    database = FaultDatabase(env, f"fault_{test_db}_{os.getpid()}"[:63], tmp_path)
    database.drop()
    try:
        database.create(os.environ.get("TEST_DB"))
        yield database
    finally:
        database.kill_leftovers()
        database.drop()


def fetch(cr, query, *params):
    cr.execute(query, params)
    return cr.fetchall()


def sessions_of(cr, worker):
    """The database sessions of a worker process (its registry keeps an idle one besides the
    cron's): [(state, in a transaction)]."""
    return fetch(
        cr,
        """SELECT state, xact_start IS NOT NULL FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = %s""",
        f"odoo-{worker.proc.pid}",
    )


def lockable_scheduled(cnx, campaign_id):
    """(scheduled traces of the campaign, how many of them no other session holds)."""
    cnx.autocommit = False
    try:
        with cnx.cursor() as cr:
            total = fetch(
                cr,
                """SELECT count(*) FROM marketing_automation_trace
                    WHERE campaign_id = %s AND state = 'scheduled'""",
                campaign_id,
            )[0][0]
            free = fetch(
                cr,
                """SELECT count(*) FROM (SELECT id FROM marketing_automation_trace
                                          WHERE campaign_id = %s AND state = 'scheduled'
                                            FOR UPDATE SKIP LOCKED) AS free""",
                campaign_id,
            )[0][0]
    finally:
        cnx.rollback()
        cnx.autocommit = True
    return total, free


def wait_sessions_gone(cr, worker, timeout=30):
    deadline = time.monotonic() + timeout
    while sessions_of(cr, worker):
        assert time.monotonic() < deadline, "the killed process's session outlived it"
        time.sleep(0.1)


def assert_each_trace_once(cr, campaign):
    """Every trace of the campaign processed, with exactly one mail and one mailing trace for
    each trace of an email activity."""
    campaign_id, mailing_ids = campaign["campaign_id"], campaign["mailing_ids"]
    participants = campaign["participants"]
    expected = participants * len(campaign["activity_ids"])
    expected_mails = participants * len(campaign["email_activity_ids"])
    states = dict(
        fetch(
            cr,
            """SELECT state, count(*) FROM marketing_automation_trace
                WHERE campaign_id = %s GROUP BY state""",
            campaign_id,
        )
    )
    assert states == {"processed": expected}, states
    # one trace per (participant, activity, occurrence) for every participant and activity
    assert fetch(
        cr,
        """SELECT count(DISTINCT (participant_id, activity_id, occurrence)),
                  count(DISTINCT participant_id), count(DISTINCT activity_id)
             FROM marketing_automation_trace WHERE campaign_id = %s""",
        campaign_id,
    ) == [(expected, participants, len(campaign["activity_ids"]))]
    # exactly one mailing trace and one mail per (participant, activity, occurrence), sent to
    # that participant's address
    wrong = fetch(
        cr,
        """SELECT t.participant_id, t.activity_id, t.occurrence,
                  count(mt.id), count(DISTINCT mm.id),
                  count(mm.id) FILTER (WHERE mm.email_to = partner.email_normalized
                                         AND mt.res_id = partner.id)
             FROM marketing_automation_trace t
             JOIN marketing_automation_participant p ON p.id = t.participant_id
             JOIN res_partner partner ON partner.id = p.res_id
        LEFT JOIN mailing_trace mt ON mt.marketing_trace_id = t.id
        LEFT JOIN mail_mail mm ON mm.id = mt.mail_mail_id
            WHERE t.campaign_id = %s AND t.activity_id = ANY(%s)
         GROUP BY t.participant_id, t.activity_id, t.occurrence
           HAVING count(mt.id) != 1 OR count(DISTINCT mm.id) != 1
               OR count(mm.id) FILTER (WHERE mm.email_to = partner.email_normalized
                                         AND mt.res_id = partner.id) != 1
            LIMIT 5""",
        campaign_id,
        campaign["email_activity_ids"],
    )
    assert not wrong, f"(participant, activity, occurrence, traces, mails, right ones): {wrong}"
    # nothing else was queued for the campaign's mailings: no mail without its trace ...
    assert fetch(
        cr,
        """SELECT count(*), count(DISTINCT mail_message_id) FROM mail_mail
            WHERE mailing_id = ANY(%s)""",
        mailing_ids,
    ) == [(expected_mails, expected_mails)]
    assert fetch(
        cr, "SELECT count(*) FROM mailing_trace WHERE mass_mailing_id = ANY(%s)", mailing_ids
    ) == [(expected_mails,)]
    # ... nor an outgoing message left without its mail by a batch cut short
    assert fetch(
        cr,
        """SELECT count(*) FROM mail_message m
            WHERE m.message_type = 'email_outgoing' AND m.model = 'res.partner'
              AND m.res_id IN (SELECT res_id FROM marketing_automation_participant
                                WHERE campaign_id = %s)
              AND NOT EXISTS (SELECT 1 FROM mail_mail mm WHERE mm.mail_message_id = m.id)""",
        campaign_id,
    ) == [(0,)]
    assert fetch(
        cr,
        """SELECT state, count(*) FROM marketing_automation_participant
            WHERE campaign_id = %s GROUP BY state""",
        campaign_id,
    ) == [("completed", participants)]


def test_two_processes_and_a_kill_send_each_mail_once(fault_db):
    """Round "held": the victim stops after the first chunk of its second batch (mails inserted,
    traces not marked, nothing committed) and is killed there while its session holds the rows.
    Round "busy": the victim is killed while it works, right after queueing its first chunk.
    In both, the other process runs alongside; a rerun finishes the work."""
    cnx = fault_db.connect()
    try:
        with cnx.cursor() as cr:
            for round_name in ("held", "busy"):
                campaign = fault_db.setup_campaign(f"fault{round_name}")
                hold = ["--hold-after-chunks", 3] if round_name == "held" else []
                victim = fault_db.start_worker(f"{round_name}-victim", *hold)
                survivor = fault_db.start_worker(f"{round_name}-survivor")
                if round_name == "held":
                    victim.wait_for("HOLDING", timeout=WORKER_TIMEOUT)
                    held = victim.uncommitted
                    assert held == BATCH, victim.lines
                    # the other process does all it can meanwhile, and skips the held rows
                    survivor.wait()
                    survivor.assert_clean()
                    busy = [s for s in sessions_of(cr, victim) if s[1]]
                    assert busy == [("idle in transaction", True)], busy
                    assert lockable_scheduled(cnx, campaign["campaign_id"]) == (held, 0)
                    victim.kill()
                    wait_sessions_gone(cr, victim)
                    # the half batch left nothing behind and its rows are free again
                    assert lockable_scheduled(cnx, campaign["campaign_id"]) == (held, held)
                    # which traces the victim held depends on the order the two processes
                    # claimed in: those of the first email schedule their reminder when they run
                    held_first = fetch(
                        cr,
                        """SELECT count(*) FROM marketing_automation_trace t
                             JOIN marketing_automation_activity a ON a.id = t.activity_id
                            WHERE t.campaign_id = %s AND t.state = 'scheduled'
                              AND a.parent_id IS NULL""",
                        campaign["campaign_id"],
                    )[0][0]
                else:
                    victim.wait_for("QUEUED", timeout=WORKER_TIMEOUT)
                    victim.kill()
                    wait_sessions_gone(cr, victim)
                    assert victim.uncommitted > 0, f"not killed within a batch: {victim.lines}"
                    survivor.wait()
                    survivor.assert_clean()
                assert victim.proc.returncode == -signal.SIGKILL
                assert sum(survivor.counts("COMMITTED")) > 0, "the processes did not overlap"

                rerun = fault_db.start_worker(f"{round_name}-rerun")
                rerun.wait()
                rerun.assert_clean()
                if round_name == "held":
                    assert sum(rerun.counts("COMMITTED")) == held + held_first, rerun.lines
                assert_each_trace_once(cr, campaign)
                print(f"round {round_name}: {victim.lines} {survivor.lines} {rerun.lines}")
            # no session of any worker is left on the database (the server ends the session
            # of a process that exited a moment after it exits)
            deadline = time.monotonic() + 10
            while fetch(
                cr,
                """SELECT count(*) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid != pg_backend_pid()""",
            ) != [(0,)]:
                assert time.monotonic() < deadline, "a worker's session outlived its process"
                time.sleep(0.1)
    finally:
        cnx.close()


def test_a_contact_saved_during_a_batch_only_delays_it(fault_db):
    """A user saves one contact while the cron's batch is under way: the batch's write on the
    contacts meets a concurrent update. The batch runs again and every participant gets the tag
    and the email after it, instead of the whole chunk failing for good."""
    participants = 1000
    campaign = fault_db.setup_campaign("faultedit", shape="tags", participants=participants)
    assert len(campaign["tag_ids"]) == 1
    cnx = fault_db.connect()
    try:
        with cnx.cursor() as cr:
            worker = fault_db.start_worker("edit", "--pause-after-claim", stdin=subprocess.PIPE)
            worker.wait_for("PAUSED", timeout=WORKER_TIMEOUT)
            cr.execute(
                "UPDATE res_partner SET comment = 'Saved by a user' WHERE name = 'faultedit 7'"
            )
            assert cr.rowcount == 1
            worker.proc.stdin.write("go\n")
            worker.proc.stdin.flush()
            worker.wait()
            worker.assert_clean()
            assert_each_trace_once(cr, campaign)
            assert fetch(
                cr,
                """SELECT count(*) FROM res_partner_res_partner_category_rel
                    WHERE category_id = %s""",
                campaign["tag_ids"][0],
            ) == [(participants,)]
            assert fetch(cr, "SELECT comment FROM res_partner WHERE name = 'faultedit 7'") == [
                ("Saved by a user",)
            ]
    finally:
        cnx.close()
