"""What the benchmarks of ``bench/run.sh`` share: their command line, Odoo's registry, partners
created set-based and the peak memory of the process."""

import argparse
import resource
import sys


def argument_parser(description):
    """A parser with the options every benchmark takes (``--odoo-src``, ``--db``)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--db", required=True)
    return parser


def parse_args(parser):
    """Parse the benchmark's own options; what follows ``--`` is Odoo's command line."""
    argv = sys.argv[1:]
    odoo_args = []
    if "--" in argv:
        index = argv.index("--")
        argv, odoo_args = argv[:index], argv[index + 1 :]
    return parser.parse_args(argv), odoo_args


def load_odoo(args, odoo_args, *options):
    """Import Odoo from ``args.odoo_src`` and read its configuration; return the module."""
    sys.path.insert(0, args.odoo_src)
    import odoo  # noqa: PLC0415 — the Odoo source is only known at run time

    odoo.tools.config.parse_config([*odoo_args, "-d", args.db, "--log-level", "warn", *options])
    return odoo


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def create_partners(env, prefix, count):
    """``count`` individuals named ``<prefix> <n>`` with an address each, in one insert."""
    env.cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, email, email_normalized, active, type,
                                 is_company, lang, create_date, write_date, create_uid, write_uid)
        SELECT %(prefix)s || ' ' || n, %(prefix)s || ' ' || n,
               %(prefix)s || '.' || n || '@bench.example.com',
               %(prefix)s || '.' || n || '@bench.example.com',
               TRUE, 'contact', FALSE, 'en_US', now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM generate_series(1, %(count)s) AS n
        """,
        {"prefix": prefix, "count": count},
    )
    env.cr.commit()
