#!/usr/bin/env bash
# `make bench`: performance figures of SPEC section 5 on a fresh database `marketing_suite_bench`.
# Extra arguments go to the Python benchmark, e.g. `make bench ARGS="--sizes 1000 10000 --host 1000"`.
source "$(dirname "$0")/../scripts/common.sh"
setup_all
fast_commits
BENCH_DB="${BENCH_DB:-marketing_suite_bench}"
say "Fresh benchmark database '$BENCH_DB' with marketing_automation_ext (no demo data)"
drop_db "$BENCH_DB"
"${ODOO[@]}" -d "$BENCH_DB" -i marketing_automation_ext --without-demo=all --stop-after-init \
    --no-http --log-level warn
say "Running the benchmarks"
"$VENV/bin/python" "$ROOT/bench/bench_automation.py" --odoo-src "$ODOO_SRC" --db "$BENCH_DB" "$@" \
    -- "${ODOO[@]:2}"

# Documents of marketing steps (spreadsheet export, merged letter, labels), on their own database.
ensure_wkhtmltopdf
BENCH_DOCS_DB="${BENCH_DOCS_DB:-marketing_suite_bench_docs}"
say "Fresh benchmark database '$BENCH_DOCS_DB' with marketing_ops (no demo data)"
drop_db "$BENCH_DOCS_DB"
"${ODOO[@]}" -d "$BENCH_DOCS_DB" -i marketing_ops --without-demo=all --stop-after-init \
    --no-http --log-level warn
"$VENV/bin/python" "$ROOT/bench/bench_documents.py" --odoo-src "$ODOO_SRC" --db "$BENCH_DOCS_DB" \
    -- "${ODOO[@]:2}"

# Distribution of a step's targets by a formula over coded conditions, on its own database.
BENCH_OPS_DB="${BENCH_OPS_DB:-marketing_suite_bench_ops}"
say "Fresh benchmark database '$BENCH_OPS_DB' with marketing_ops (no demo data)"
drop_db "$BENCH_OPS_DB"
"${ODOO[@]}" -d "$BENCH_OPS_DB" -i marketing_ops --without-demo=all --stop-after-init \
    --no-http --log-level warn
"$VENV/bin/python" "$ROOT/bench/bench_distribution.py" --odoo-src "$ODOO_SRC" --db "$BENCH_OPS_DB" \
    -- "${ODOO[@]:2}"

# Emailing steps of marketing_ops against the host's mass-mode composer, on their own database.
BENCH_MAIL_DB="${BENCH_MAIL_DB:-marketing_suite_bench_mail}"
say "Fresh benchmark database '$BENCH_MAIL_DB' with marketing_ops (no demo data)"
drop_db "$BENCH_MAIL_DB"
"${ODOO[@]}" -d "$BENCH_MAIL_DB" -i marketing_ops --without-demo=all --stop-after-init \
    --no-http --log-level warn
"$VENV/bin/python" "$ROOT/bench/bench_emailing.py" --odoo-src "$ODOO_SRC" --db "$BENCH_MAIL_DB" \
    -- "${ODOO[@]:2}"
