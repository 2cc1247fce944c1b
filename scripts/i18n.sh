#!/usr/bin/env bash
# `make i18n`: export each addon's translation template (i18n/<addon>.pot) from a fresh database
# and merge it into the existing es, fr, cs and ro catalogues (new terms appear untranslated).
source "$(dirname "$0")/common.sh"

OUR_ADDONS="${I18N_ADDONS:-$OUR_ADDONS}"
command -v msgmerge >/dev/null || die "msgmerge (GNU gettext) was not found: without it the \
catalogues cannot take the new terms. Install it (Debian/Ubuntu: 'apt-get install gettext') and run \
'make i18n' again. Nothing was changed."
setup_all
I18N_DB="${DB_NAME}_i18n"
drop_db "$I18N_DB"
say "Installing $OUR_ADDONS without demo data in '$I18N_DB'"
"${ODOO[@]}" -d "$I18N_DB" -i "$OUR_ADDONS" --without-demo=all --stop-after-init --no-http \
    --log-level warn
for addon in ${OUR_ADDONS//,/ }; do
    dir="$ROOT/addons/$addon/i18n"
    mkdir -p "$dir"
    "${ODOO[@]}" -d "$I18N_DB" --i18n-export="$dir/$addon.pot" --modules="$addon" \
        --stop-after-init --no-http --log-level warn
    for lang in es fr cs ro; do
        po="$dir/$lang.po"
        if [[ -f "$po" ]]; then
            msgmerge --quiet --update --no-fuzzy-matching --backup=none "$po" "$dir/$addon.pot"
        elif [[ ! -f "$po" ]]; then
            cp "$dir/$addon.pot" "$po"
        fi
    done
    say "$addon: $(grep -c '^msgid "' "$dir/$addon.pot") terms"
done
drop_db "$I18N_DB"
