"""Run Odoo's own tests of some host modules on a database whose registry is complete.

At install time, a host module's at_install tests run before the modules that extend it are
loaded, so they never meet their overrides. This runner opens the finished database (every module
loaded), then runs each host module's at_install and post_install suites the way Odoo's loader
does, and writes the outcome of every test to a JSON file.

Usage: host_tests.py DB OUTPUT.json MODULE[,MODULE...] [ONLY.json] -- ODOO_OPTIONS...

With ONLY.json (a list of test ids), only those tests run: the tests that failed once, run again.
"""

import json
import sys
import time


def outcome_recorder(result_class, outcomes):
    """Subclass Odoo's test result so that each test's outcome is kept by its id."""

    class RecordingResult(result_class):
        def startTest(self, test):
            outcomes.setdefault(test.id(), "passed")
            super().startTest(test)

        def addError(self, test, err):
            outcomes[test.id()] = "error"
            super().addError(test, err)

        def addFailure(self, test, err):
            outcomes[test.id()] = "failed"
            super().addFailure(test, err)

        def addSkip(self, test, reason):
            outcomes[test.id()] = "skipped"
            super().addSkip(test, reason)

    return RecordingResult


def main(argv):
    own = argv[: argv.index("--")] if "--" in argv else argv
    db, output, modules = own[0], own[1], own[2].split(",")
    only = None
    if len(own) > 3:
        with open(own[3], encoding="utf-8") as f:
            only = set(json.load(f))
    odoo_options = argv[argv.index("--") + 1 :] if "--" in argv else []

    import odoo  # noqa: PLC0415 (Odoo is on the path given by the caller)

    config = odoo.tools.config
    # the registry is opened in test mode with a tag that matches no test: loading runs none
    config.parse_config(
        [
            *odoo_options,
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            "--test-enable",
            "--test-tags",
            "/__no_module__",
            "--max-cron-threads",
            "0",
            "--stop-after-init",
        ],
        setup_logging=True,
    )
    from odoo.tests import loader, result  # noqa: PLC0415 (after the test mode is set)

    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()  # HttpCase tours reach this server
    odoo.service.server.server = server  # where HttpCase looks for its port
    registry = odoo.modules.registry.Registry.new(db)

    outcomes = {}
    loader.OdooTestResult = outcome_recorder(result.OdooTestResult, outcomes)
    config["test_tags"] = ",".join(f"/{module}" for module in modules)
    started = time.time()
    for position in ("at_install", "post_install"):
        suite = loader.make_suite(modules, position)
        if only is not None:
            suite = type(suite)([test for test in suite if test.id() in only])
        if suite.has_http_case():
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                env["ir.qweb"]._pregenerate_assets_bundles()
        loader.run_suite(suite)
    with open(output, "w", encoding="utf-8") as f:
        json.dump({"seconds": round(time.time() - started), "tests": outcomes}, f, indent=1)
    server.httpd.shutdown()


if __name__ == "__main__":
    main(sys.argv[1:])
