"""Compare the host's test outcomes on a database with our addons against one without them."""

import json
import sys


def main(reference_path, ours_path):
    with open(reference_path, encoding="utf-8") as f:
        reference = json.load(f)
    with open(ours_path, encoding="utf-8") as f:
        ours = json.load(f)
    ref_tests, our_tests = reference["tests"], ours["tests"]
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
    for test in only_ours:
        print(f"  FAILS ONLY WITH OUR ADDONS: {test}")
    # a test that fails without our addons too is the host's own: reported, not held against us
    failed = len(only_ours) + len(missing)
    passed = len(our_tests) - len(only_ours) - len(both)
    print(f"{passed} passed, {failed} failed ({len(both)} failing on both)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
