"""Read an Odoo test run's log from stdin, keep all of it in a file, show what matters.

Prints test progress, failures and every WARNING/ERROR/CRITICAL record (with its traceback),
then writes a JSON summary: tests run, failed, errors, skipped and the offending log records.
A run is clean when no test failed, errored or was skipped and nothing was logged at WARNING
or above: a skipped browser test is a test that did not run, and a warning while our addons
install is a defect.
"""

import argparse
import json
import re
import sys

RECORD = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) (?P<logger>\S+): (?P<msg>.*)$"
)
RESULT = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests when loading database"
)
SKIPPED = re.compile(r"^skipped (?P<test>.*?) : (?P<reason>.*)$")
BAD_LEVELS = {"WARNING", "ERROR", "CRITICAL"}
SHOWN_INFO = re.compile(
    r"^(Starting \S+\.test_|\d+ post-tests in|Starting post tests|loading \d+ modules)"
)


class LogChecker:
    def __init__(self, out=sys.stdout):
        self.out = out
        self.summary = {"run": 0, "failed": 0, "errors": 0, "skipped": [], "bad_records": []}
        self._current = None  # [level, lines] of the record being read

    def feed(self, line):
        line = line.rstrip("\n")
        match = RECORD.match(line)
        if not match:
            if self._current is not None:
                self._current[1].append(line)
                if self._current[0] in BAD_LEVELS:
                    print(line, file=self.out)
            return
        self._close()
        level, msg = match["level"], match["msg"]
        self._current = [level, [line]]
        result = RESULT.search(msg)
        if result and match["logger"] == "odoo.tests.result":
            self.summary["run"] += int(result["run"])
            self.summary["failed"] += int(result["failed"])
            self.summary["errors"] += int(result["errors"])
            # the closing report repeats the failures counted above: it is not a new defect
            self._current[0] = "REPORT"
            print(line, file=self.out)
            return
        skipped = SKIPPED.match(msg)
        if skipped:
            self.summary["skipped"].append(f"{skipped['test']}: {skipped['reason']}")
        if level in BAD_LEVELS or skipped:
            print(line, file=self.out)
        elif level == "INFO" and SHOWN_INFO.match(msg):
            print(line, file=self.out)

    def _close(self):
        if self._current and self._current[0] in BAD_LEVELS:
            self.summary["bad_records"].append("\n".join(self._current[1]))
        self._current = None

    def finish(self):
        self._close()
        return self.summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--log", required=True, help="file that receives the whole log")
    parser.add_argument("--summary", required=True, help="JSON summary written at the end")
    args = parser.parse_args(argv)
    checker = LogChecker()
    with open(args.log, "w", encoding="utf-8") as log:
        for line in sys.stdin:
            log.write(line)
            checker.feed(line)
    summary = checker.finish()
    with open(args.summary, "w", encoding="utf-8") as out:
        json.dump(summary, out, indent=1)


if __name__ == "__main__":
    main()
