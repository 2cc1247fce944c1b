#!/bin/sh
# Entry point of the Docker setup: start the official image's entry point with a configuration
# whose master password is never a known one. ODOO_MASTER_PASSWORD sets it; without it, one is
# generated at the first start and kept in the Odoo data volume (/var/lib/odoo/master-password).
set -eu
data="${ODOO_DATA_DIR:-/var/lib/odoo}"
base_conf="${SUITE_BASE_CONF:-/etc/odoo/odoo.conf}"
secret="$data/master-password"
conf="$data/odoo-suite.conf"
umask 077
if [ -n "${ODOO_MASTER_PASSWORD:-}" ]; then
    printf '%s\n' "$ODOO_MASTER_PASSWORD" >"$secret"
elif [ ! -s "$secret" ]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$secret"
    echo "A master password was generated: read it with 'docker compose exec odoo cat $secret'." >&2
fi
{
    grep -Ev '^[[:space:]]*admin_passwd[[:space:]]*=' "$base_conf"
    printf 'admin_passwd = %s\n' "$(cat "$secret")"
} >"$conf"
export ODOO_RC="$conf"
exec "${SUITE_NEXT_ENTRYPOINT:-/entrypoint.sh}" "$@"
