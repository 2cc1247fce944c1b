#!/usr/bin/env bash
# `make bench`: the figures of the performance targets in docs/features.md, each case on a fresh database of its own.
# Extra arguments go to the campaign engine's benchmark, e.g. `make bench ARGS="--sizes 1000 10000 --host 1000"`.
source "$(dirname "$0")/../scripts/common.sh"
setup_all
fast_commits
ensure_wkhtmltopdf

# fresh_db ADDON DB: DB with ADDON installed and no demo data
fresh_db() {
    say "Fresh benchmark database '$2' with $1 (no demo data)"
    drop_db "$2"
    "${ODOO[@]}" -d "$2" -i "$1" --without-demo=all --stop-after-init --no-http --log-level warn
}

# copy_db FROM TO: TO as a copy of FROM (database and filestore), instead of installing again
copy_db() {
    drop_db "$2"
    psql_admin -qc "CREATE DATABASE \"$2\" TEMPLATE \"$1\"" >/dev/null
    local filestore="$SUITE_STATE/data/filestore"
    if [[ -d "$filestore/$1" ]]; then
        cp -a "$filestore/$1" "$filestore/$2"
    fi
}

# bench SCRIPT DB [OPTIONS...]: one benchmark script of bench/ on DB
bench() {
    local script="$1" db="$2"
    shift 2
    "$VENV/bin/python" "$ROOT/bench/$script" --odoo-src "$ODOO_SRC" --db "$db" "$@" -- "${ODOO[@]:2}"
}

# The campaign engine: enrolment, one email activity, the idle tick, the host's mailing, two cron
# processes against one.
BENCH_DB="${BENCH_DB:-marketing_suite_bench}"
fresh_db marketing_automation_ext "$BENCH_DB"
say "Running the benchmarks of the campaign engine"
bench bench_automation.py "$BENCH_DB" "$@"
say "Running the benchmark of the enrolment on change"
bench bench_enrolment.py "$BENCH_DB"

# Marketing operations: documents of steps (spreadsheet export, merged letter, labels), the
# distribution by a formula, emailing steps against the host's composer; each case on its own copy
# of one freshly installed database.
BENCH_OPS_BASE="${BENCH_DB}_ops_base"
fresh_db marketing_ops "$BENCH_OPS_BASE"
for case in docs:bench_documents.py ops:bench_distribution.py mail:bench_emailing.py; do
    db="${BENCH_DB}_${case%%:*}"
    say "Running ${case#*:} on '$db'"
    copy_db "$BENCH_OPS_BASE" "$db"
    bench "${case#*:}" "$db"
done
drop_db "$BENCH_OPS_BASE"
