"""The registry contract of our addons: their models, fields and XML ids, as one sorted text.

A database where the addons are installed reflects their registry in ``ir_model``,
``ir_model_fields`` and ``ir_model_data``. This script reads them into lines such as::

    model marketing_ops marketing.operation
    field marketing_ops marketing.operation.step.state selection
    xmlid marketing_ops.marketing_operation_view_form ir.ui.view

``tests/registry_contract.txt`` holds the lines of the installed suite (with its demo data);
``tests/test_registry_contract.py`` compares a test database with it, so that a model, a field
or an XML id never disappears, nor appears, without the list saying so in the same commit.

Usage (PGHOST, PGPORT and DB_USER as ``make test`` exports them)::

    python scripts/registry_contract.py DBNAME            # print the lines
    python scripts/registry_contract.py DBNAME --write    # rewrite tests/registry_contract.txt
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "tests" / "registry_contract.txt"
OUR_MODULES = ("marketing_ops", "marketing_automation_ext", "crm_payments")

MODELS = """
    SELECT 'model ' || d.module || ' ' || m.model
      FROM ir_model_data d JOIN ir_model m ON m.id = d.res_id
     WHERE d.model = 'ir.model' AND d.module = ANY(%(modules)s)
"""
# a field's shape: its type, its target, and whether it is stored, required, readonly or translated
FIELDS = """
    SELECT 'field ' || d.module || ' ' || f.model || '.' || f.name || ' ' || f.ttype
           || COALESCE(' ' || NULLIF(f.relation, ''), '')
           || CASE WHEN f.store THEN '' ELSE ' not-stored' END
           || CASE WHEN f.required THEN ' required' ELSE '' END
           || CASE WHEN f.readonly THEN ' readonly' ELSE '' END
           || CASE WHEN f.translate THEN ' translate' ELSE '' END
      FROM ir_model_data d JOIN ir_model_fields f ON f.id = d.res_id
     WHERE d.model = 'ir.model.fields' AND d.module = ANY(%(modules)s)
"""
XMLIDS = """
    SELECT 'xmlid ' || d.module || '.' || d.name || ' ' || d.model
      FROM ir_model_data d
     WHERE d.module = ANY(%(modules)s)
"""
INSTALLED = """
    SELECT name, demo FROM ir_module_module
     WHERE state = 'installed' AND name = ANY(%(modules)s)
"""


def connect(dbname):
    import psycopg2  # noqa: PLC0415 — the suite's virtualenv has it, not every interpreter

    return psycopg2.connect(
        host=os.environ.get("PGHOST"),
        port=os.environ.get("PGPORT"),
        user=os.environ.get("DB_USER", "odoo"),
        dbname=dbname,
    )


def read_database(dbname):
    """``(installed, lines)``: our installed modules (name → with demo data) and their lines."""
    cnx = connect(dbname)
    try:
        with cnx.cursor() as cr:
            cr.execute(INSTALLED, {"modules": list(OUR_MODULES)})
            installed = dict(cr.fetchall())
            lines = set()
            for query in (MODELS, FIELDS, XMLIDS):
                cr.execute(query, {"modules": list(installed)})
                lines.update(line for (line,) in cr.fetchall())
    finally:
        cnx.close()
    return installed, lines


def read_contract(path=CONTRACT):
    return {
        line.strip()
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def line_module(line):
    """The module a contract line belongs to."""
    kind, rest = line.split(" ", 1)
    return rest.split(".", 1)[0] if kind == "xmlid" else rest.split(" ", 1)[0]


def compare(installed, live, contract):
    """``(missing, extra)``: the contract's lines the database lacks, and its lines the contract
    lacks, for the modules installed. XML ids of demo records are only required from a database
    installed with its demo data."""
    expected = {line for line in contract if line_module(line) in installed}
    missing = {
        line
        for line in expected - live
        if not (line.startswith("xmlid ") and not installed[line_module(line)])
    }
    return sorted(missing), sorted(live - expected)


def write_contract(lines, path=CONTRACT):
    header = (
        "# The models, fields and XML ids of our addons, installed with their demo data.\n"
        "# Regenerate with: python scripts/registry_contract.py DBNAME --write\n"
        "# A change to this list is a change of the addons' contract: say why in its commit.\n"
    )
    path.write_text(header + "".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("dbname")
    parser.add_argument("--write", action="store_true", help=f"rewrite {CONTRACT.name}")
    args = parser.parse_args(argv)
    installed, lines = read_database(args.dbname)
    if args.write and (set(installed) != set(OUR_MODULES) or not all(installed.values())):
        sys.exit(
            f"{args.dbname} lacks some of {', '.join(OUR_MODULES)} or their demo data: "
            "the contract is written from the whole suite installed with its demo data"
        )
    if args.write:
        write_contract(lines)
        print(f"{len(lines)} lines written to {CONTRACT}")
    else:
        sys.stdout.write("".join(f"{line}\n" for line in sorted(lines)))


if __name__ == "__main__":
    main()
