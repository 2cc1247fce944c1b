# The suite's commands; each sets up whatever is missing first (see README.md).
.PHONY: help run test test-host lint stop bench i18n screenshots
.DEFAULT_GOAL := help

help:  ## List the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 13

run:  ## Set up and serve the suite on http://localhost:8069 (admin / admin)
	@bash scripts/run.sh $(ARGS)

test:  ## Fresh test database, every addon test and tests/, closing "N passed, N failed"
	@bash scripts/test.sh

test-host:  ## Odoo's own tests of the modules we extend, with and without our addons (about 11 min)
	@bash scripts/test_host.sh

lint:  ## ruff and pylint-odoo over the addons
	@bash scripts/lint.sh

stop:  ## Stop the project's PostgreSQL cluster
	@bash scripts/stop.sh

bench:  ## Performance figures against the targets in docs/features.md (on demand)
	@bash bench/run.sh $(ARGS)

screenshots:  ## Pictures of the main screens into docs/screenshots/ (a browser test, on demand)
	@SCREENSHOTS_DIR="$(CURDIR)/docs/screenshots" DB_NAME="$${DB_NAME:-marketing_suite_screenshots}" \
		TEST_TAGS=screenshots TEST_WITHOUT_DEMO=1 TEST_PYTEST=0 bash scripts/test.sh

i18n:  ## Export the addons' .pot files and merge them into their .po catalogues
	@bash scripts/i18n.sh
