"""The verdict of `make test`: counts, skipped tests and WARNING/ERROR records in Odoo's log."""

import io
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from odoo_log_check import LogChecker

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"
PREFIX = "2026-11-22 10:00:00,000 42 {} db {}: {}"


def log_line(level, logger, msg):
    return PREFIX.format(level, logger, msg) + "\n"


def check(lines):
    checker = LogChecker(out=io.StringIO())
    for line in lines:
        checker.feed(line)
    return checker.finish(), checker.out.getvalue()


def test_clean_run_is_counted():
    summary, _ = check(
        [
            log_line("INFO", "odoo.modules.loading", "loading 54 modules..."),
            log_line(
                "INFO",
                "odoo.tests.result",
                "0 failed, 0 error(s) of 12 tests when loading database 'db'",
            ),
        ]
    )
    assert summary == {"run": 12, "failed": 0, "errors": 0, "skipped": [], "bad_records": []}


def test_warning_with_traceback_is_kept_whole():
    summary, shown = check(
        [
            log_line("WARNING", "odoo.models", "no access rules, consider adding one"),
            "Traceback (most recent call last):\n",
            '  File "x.py", line 1\n',
            log_line("INFO", "odoo.modules.loading", "Modules loaded."),
        ]
    )
    assert len(summary["bad_records"]) == 1
    assert summary["bad_records"][0].endswith('  File "x.py", line 1')
    assert "no access rules" in shown
    assert "Modules loaded" not in shown


def test_skipped_test_is_reported():
    summary, _ = check(
        [
            log_line(
                "INFO",
                "odoo.addons.x.tests",
                "skipped TestTour.test_tour : websocket-client module is not installed",
            )
        ]
    )
    assert summary["skipped"] == ["TestTour.test_tour: websocket-client module is not installed"]


def test_failed_result_counts_but_is_no_extra_record():
    summary, _ = check(
        [
            log_line("ERROR", "odoo.addons.x.tests", "FAIL: TestX.test_y"),
            log_line(
                "ERROR",
                "odoo.tests.result",
                "1 failed, 0 error(s) of 3 tests when loading database 'db'",
            ),
        ]
    )
    assert (summary["run"], summary["failed"]) == (3, 1)
    assert len(summary["bad_records"]) == 1


def summarize(
    tmp_path,
    odoo_summary,
    odoo_rc=0,
    junit='<testsuite tests="2" failures="0" errors="0" skipped="0"/>',
):
    (tmp_path / "odoo.json").write_text(json.dumps(odoo_summary))
    (tmp_path / "junit.xml").write_text(junit)
    return subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "test_summary.py"),
            str(tmp_path / "odoo.json"),
            str(odoo_rc),
            str(tmp_path / "junit.xml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_summary_line_and_exit_code(tmp_path):
    clean = {"run": 10, "failed": 0, "errors": 0, "skipped": [], "bad_records": []}
    result = summarize(tmp_path, clean)
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "12 passed, 0 failed"

    failing = dict(clean, failed=1, errors=1)
    result = summarize(tmp_path, failing, odoo_rc=1)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "10 passed, 2 failed"


def test_summary_fails_on_warning_skip_or_empty_run(tmp_path):
    clean = {"run": 10, "failed": 0, "errors": 0, "skipped": [], "bad_records": []}
    for bad in (
        dict(clean, bad_records=["WARNING x"]),
        dict(clean, skipped=["TestTour.test_tour: Chrome executable not found"]),
        dict(clean, run=0),
    ):
        result = summarize(tmp_path, bad)
        assert result.returncode == 1, bad
        assert not result.stdout.splitlines()[-1].endswith(" 0 failed"), bad
    result = summarize(
        tmp_path, clean, junit='<testsuite tests="2" failures="1" errors="0" skipped="0"/>'
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "11 passed, 1 failed"
