#!/usr/bin/env bash
# `make run`: set up what is missing, then serve the suite on http://localhost:$HTTP_PORT.
source "$(dirname "$0")/common.sh"

setup_all
check_port_free "$HTTP_PORT"
ensure_wkhtmltopdf

fresh=0
if ! db_exists "$DB_NAME"; then
    fresh=1
    # Built under a temporary name and renamed when complete, so that an interrupted
    # installation never leaves a half-made database behind.
    say "Creating the database '$DB_NAME' with our three addons and demo data (about two minutes)"
    tmp_db="${DB_NAME}_installing"
    drop_db "$tmp_db"
    log="$SUITE_STATE/log/install-$DB_NAME.log"
    if ! "${ODOO[@]}" -d "$tmp_db" -i "$OUR_ADDONS" --stop-after-init --no-http \
        --logfile "$log"; then
        drop_db "$tmp_db"
        die "Installing the addons failed; the log $log says why. The unfinished database was \
dropped: run 'make run' again after fixing the cause."
    fi
    psql_admin -qc "ALTER DATABASE \"$tmp_db\" RENAME TO \"$DB_NAME\"" >/dev/null
    if [[ -d "$SUITE_STATE/data/filestore/$tmp_db" ]]; then
        mv "$SUITE_STATE/data/filestore/$tmp_db" "$SUITE_STATE/data/filestore/$DB_NAME"
    fi
fi

# Code of the addons changed since the database last saw it: update them first.
addons_hash="$(cd "$ROOT" && find addons -type f -not -path '*/__pycache__/*' -not -name '*.py[co]' \
    -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-40)"
hash_file="$SUITE_STATE/$DB_NAME.addons-hash"
if [[ "$(cat "$hash_file" 2>/dev/null)" != "$addons_hash" ]]; then
    if ((!fresh)); then
        say "The addons changed: updating them in '$DB_NAME'"
        log="$SUITE_STATE/log/update-$DB_NAME.log"
        "${ODOO[@]}" -d "$DB_NAME" -i "$OUR_ADDONS" -u "$OUR_ADDONS" --stop-after-init --no-http \
            --logfile "$log" || die "Updating the addons failed; the log $log says why. The \
database was left as it was: fix the cause and run 'make run' again."
    fi
    echo "$addons_hash" >"$hash_file"
fi

say "Serving http://localhost:$HTTP_PORT (login admin / admin); Ctrl+C stops Odoo, 'make stop' stops PostgreSQL"
exec "${ODOO[@]}" -d "$DB_NAME" --db-filter "^$DB_NAME\$" --http-port "$HTTP_PORT" \
    --http-interface 127.0.0.1 "$@"
