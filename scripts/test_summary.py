"""Combine the Odoo test run and the pytest run into one verdict and one closing line."""

import json
import sys
import xml.etree.ElementTree as ET


def pytest_counts(junit_path):
    try:
        root = ET.parse(junit_path).getroot()
    except (OSError, ET.ParseError):
        return 0, 1, ["pytest wrote no report"]
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    run = failed = 0
    notes = []
    for suite in suites:
        run += int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        failed += bad + skipped
        if skipped:
            notes.append(f"pytest skipped {skipped} test(s): a skipped test counts as failed")
    return run - failed, failed, notes


def main(odoo_summary_path, odoo_rc, junit_path):
    with open(odoo_summary_path, encoding="utf-8") as f:
        odoo = json.load(f)
    problems = []
    odoo_failed = odoo["failed"] + odoo["errors"] + len(odoo["skipped"])
    # failed subtests count one each: a test with several can make more failures than tests
    odoo_passed = max(odoo["run"] - odoo_failed, 0)
    for skipped in odoo["skipped"]:
        problems.append(f"skipped (counts as failed): {skipped}")
    if odoo["run"] == 0:
        problems.append("Odoo ran no test at all")
        odoo_failed += 1
    if int(odoo_rc) != 0:
        problems.append(f"Odoo exited with status {odoo_rc}")
    if odoo["bad_records"]:
        problems.append(
            f"{len(odoo['bad_records'])} WARNING/ERROR record(s) were logged while the addons "
            "installed or were tested (shown above; the run fails on any)"
        )
    py_passed, py_failed, notes = pytest_counts(junit_path)
    problems.extend(notes)
    print()
    print(
        f"Odoo tests: {odoo_passed} passed, {odoo_failed} failed; tests/: {py_passed} passed, {py_failed} failed"
    )
    for problem in problems:
        print(f"  - {problem}")
    passed, failed = odoo_passed + py_passed, odoo_failed + py_failed
    if failed == 0 and problems:
        failed = 1  # a clean count with a dirty log is still a failed run
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
