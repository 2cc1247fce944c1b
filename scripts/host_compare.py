"""Compare the host's test outcomes on a database with our addons against one without them.

Usage: host_compare.py REFERENCE.json OURS.json [--failing OUT.json | --retry RETRY.json]

``--failing`` writes the ids of the tests that failed only with our addons (to run them again);
``--retry`` takes the outcomes of that second run: a test that passes when run again is reported
as unsteady and not held against us, one that fails again is."""

import json
import sys


def main(reference_path, ours_path, option=None, option_path=None):
    with open(reference_path, encoding="utf-8") as f:
        reference = json.load(f)
    with open(ours_path, encoding="utf-8") as f:
        ours = json.load(f)
    ref_tests, our_tests = reference["tests"], dict(ours["tests"])
    unsteady = []
    if option == "--retry":
        with open(option_path, encoding="utf-8") as f:
            retried = json.load(f)["tests"]
        for test, outcome in retried.items():
            if our_tests.get(test) in ("failed", "error") and outcome == "passed":
                unsteady.append(test)
                our_tests[test] = "passed"
    only_ours = sorted(
        test
        for test, outcome in our_tests.items()
        if outcome in ("failed", "error") and ref_tests.get(test) not in ("failed", "error")
    )
    missing = sorted(set(ref_tests) - set(our_tests))
    both = sorted(
        test
        for test, outcome in our_tests.items()
        if outcome in ("failed", "error") and ref_tests.get(test) in ("failed", "error")
    )

    def bad(tests):
        return sum(outcome in ("failed", "error") for outcome in tests.values())

    print(
        f"without our addons: {len(ref_tests)} tests, {bad(ref_tests)} failed ({reference['seconds']} s)"
    )
    print(
        f"with our addons:    {len(our_tests)} tests, {bad(our_tests)} failed ({ours['seconds']} s)"
    )
    for test in both:
        print(f"  fails on both (host's own): {test}")
    for test in missing:
        print(f"  did not run with our addons: {test}")
    for test in sorted(unsteady):
        print(f"  failed once with our addons, passed when run again: {test}")
    for test in only_ours:
        print(f"  FAILS ONLY WITH OUR ADDONS: {test}")
    if option == "--failing":
        with open(option_path, "w", encoding="utf-8") as f:
            json.dump(only_ours, f)
    # a test that fails without our addons too is the host's own: reported, not held against us
    failed = len(only_ours) + len(missing)
    passed = len(our_tests) - len(only_ours) - len(both)
    print(f"{passed} passed, {failed} failed ({len(both)} failing on both)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
