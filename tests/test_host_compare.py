"""The verdict of `make test-host`: a host test counts against our addons only when it fails with
them and not without them, and still fails when it runs again."""

import json
import subprocess
import sys
from pathlib import Path

COMPARE = Path(__file__).resolve().parent.parent / "scripts" / "host_compare.py"


def write(path, tests):
    path.write_text(json.dumps({"seconds": 1, "tests": tests}), encoding="utf-8")
    return str(path)


def compare(*args):
    result = subprocess.run(
        [sys.executable, str(COMPARE), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode, result.stdout


def test_failures_of_the_host_itself_are_not_ours(tmp_path):
    reference = write(tmp_path / "ref.json", {"a": "passed", "b": "failed"})
    ours = write(tmp_path / "ours.json", {"a": "passed", "b": "error"})
    code, out = compare(reference, ours)
    assert code == 0
    assert "fails on both (host's own): b" in out
    assert out.strip().endswith("1 passed, 0 failed (1 failing on both)")


def test_a_failure_only_with_our_addons_is_run_again(tmp_path):
    reference = write(tmp_path / "ref.json", {"a": "passed", "b": "passed", "c": "passed"})
    ours = write(tmp_path / "ours.json", {"a": "failed", "b": "error", "c": "passed"})
    failing = tmp_path / "failing.json"
    code, out = compare(reference, ours, "--failing", failing)
    assert code == 1
    assert json.loads(failing.read_text(encoding="utf-8")) == ["a", "b"]

    # a passes when run again (unsteady, reported), b fails again: the run fails on b alone
    retry = write(tmp_path / "retry.json", {"a": "passed", "b": "failed"})
    code, out = compare(reference, ours, "--retry", retry)
    assert code == 1
    assert "failed once with our addons, passed when run again: a" in out
    assert "FAILS ONLY WITH OUR ADDONS: b" in out
    assert "FAILS ONLY WITH OUR ADDONS: a" not in out

    retry = write(tmp_path / "retry.json", {"a": "passed", "b": "passed"})
    code, out = compare(reference, ours, "--retry", retry)
    assert code == 0
    assert out.strip().endswith("3 passed, 0 failed (0 failing on both)")


def test_a_test_missing_with_our_addons_fails(tmp_path):
    reference = write(tmp_path / "ref.json", {"a": "passed", "b": "passed"})
    ours = write(tmp_path / "ours.json", {"a": "passed"})
    code, out = compare(reference, ours)
    assert code == 1
    assert "did not run with our addons: b" in out
