"""Benchmarks of the document kinds of marketing steps, run by ``bench/run.sh``.

Times, on their own database: the spreadsheet export of 100,000 targets (the step type's default
columns, tags and contacts among them), the merged Word letter of 1,000 targets (one section per
target) and the labels of 1,000 partners on an A4 3 x 7 sheet (PDF through wkhtmltopdf, served its
styles by an HTTP server of this process). Partners and targets are created set-based.
"""

import base64
import io
import os
import socket
import time

import benchlib

TARGETS = {"export": 15.0, "letter": 20.0, "labels": 60.0}


def parse_args():
    parser = benchlib.argument_parser(__doc__)
    parser.add_argument("--export", type=int, default=100000, help="targets exported")
    parser.add_argument("--letter", type=int, default=1000, help="targets of the merged letter")
    parser.add_argument("--labels", type=int, default=1000, help="partners on labels")
    return benchlib.parse_args(parser)


def create_step(env, prefix, count, kind, **values):
    """A step of the kind ``kind`` with ``count`` new partners (of Lyon, France, tagged) as
    targets, all created set-based and committed."""
    cr = env.cr
    france = env.ref("base.fr")
    cr.execute(
        """
        INSERT INTO res_partner (name, complete_name, email, street, zip, city, country_id,
                                 active, type, is_company, lang, create_date, write_date,
                                 create_uid, write_uid)
        SELECT %(prefix)s || ' ' || n, %(prefix)s || ' ' || n,
               %(prefix)s || '.' || n || '@bench.example.com', n || ' rue de la République',
               '69002', 'Lyon', %(country)s, TRUE, 'contact', TRUE, 'en_US',
               now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM generate_series(1, %(count)s) AS n
        RETURNING id
        """,
        {"prefix": prefix, "count": count, "country": france.id},
    )
    partner_ids = [row[0] for row in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id, commercial_company_name = name "
        "WHERE id = ANY(%s)",
        [partner_ids],
    )
    tag = env["res.partner.category"].create({"name": f"{prefix} tag"})
    cr.execute(
        "INSERT INTO res_partner_res_partner_category_rel (partner_id, category_id) "
        "SELECT unnest(%s::int[]), %s",
        [partner_ids, tag.id],
    )
    operation = env["marketing.operation"].create({"name": f"Bench {prefix}"})
    step = env["marketing.operation.step"].create(
        {
            "operation_id": operation.id,
            "name": f"Bench {prefix}",
            "step_type_id": env.ref(f"marketing_ops.marketing_step_type_{kind}").id,
            **values,
        }
    )
    todo = env["marketing.target.state"]._get_by_kind("todo")
    cr.execute(
        """
        INSERT INTO marketing_operation_target (step_id, operation_id, company_id, partner_id,
            partner_name, partner_is_company, partner_email, partner_city, partner_country_id,
            state_id, counter, create_date, write_date, create_uid, write_uid)
        SELECT %(step)s, %(operation)s, %(company)s, p.id, p.name, p.is_company, p.email, p.city,
               p.country_id, %(todo)s, 0, now() at time zone 'UTC', now() at time zone 'UTC', 1, 1
          FROM res_partner p
         WHERE p.id = ANY(%(partners)s)
        """,
        {
            "step": step.id,
            "operation": operation.id,
            "company": operation.company_id.id,
            "todo": todo.id,
            "partners": partner_ids,
        },
    )
    env.invalidate_all()
    env.cr.commit()
    # what autovacuum does after a bulk insert, before anyone exports
    cr.execute(
        "ANALYZE res_partner, res_partner_res_partner_category_rel, marketing_operation_target"
    )
    return step


def make_letter():
    import docx  # noqa: PLC0415 — the venv's, only known at run time
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    def paragraph(container, text, name):
        para = container.add_paragraph(text)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), f" MERGEFIELD {name} ")
        run = OxmlElement("w:r")
        run_text = OxmlElement("w:t")
        run_text.text = f"«{name}»"
        run.append(run_text)
        field.append(run)
        para._p.append(field)

    document = docx.Document()
    paragraph(document.sections[0].header, "Operation ", "operation__name")
    for name in (
        "partner__name",
        "partner__street",
        "partner__zip",
        "partner__city",
        "partner__country_id__name",
        "contact__name",
        "user__name",
        "today",
    ):
        paragraph(document, f"{name}: ", name)
    document.add_paragraph("Dear customer, our new catalogue is out. " * 20)
    output = io.BytesIO()
    document.save(output)
    return base64.b64encode(output.getvalue())


def timed(function):
    """(wall seconds, CPU seconds of this process, result) of ``function()``."""
    start, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - start, time.process_time() - cpu, result


def start_http_server(odoo):
    """Serve this database over HTTP, so that wkhtmltopdf fetches the report styles."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    odoo.tools.config["http_port"] = port
    odoo.tools.config["http_interface"] = "127.0.0.1"
    # read the addons' static paths here, not in the server's first threads at once
    odoo.http.root.statics  # noqa: B018
    server = odoo.service.server.ThreadedServer(odoo.http.root)
    server.http_spawn()
    return f"http://127.0.0.1:{port}"


def main():
    args, odoo_args = parse_args()
    odoo = benchlib.load_odoo(args, odoo_args, "--db-filter", f"^{args.db}$")
    registry = odoo.modules.registry.Registry(args.db)
    base_url = start_http_server(odoo)
    rows = []
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("report.url", base_url)
        cr.commit()

        if args.export:
            step = create_step(env, "benchexport", args.export, "spreadsheet_export")
            targets = step.target_ids
            seconds, cpu, content = timed(lambda: step._render_export_xlsx(targets))
            rows.append(("export", f"XLSX of {len(targets):,} targets", seconds, cpu, len(content)))

        if args.letter:
            step = create_step(
                env,
                "benchletter",
                args.letter,
                "document_mailing",
                document_template=make_letter(),
                document_template_name="letter.docx",
            )
            targets = step.target_ids
            seconds, cpu, content = timed(lambda: step._render_document_merge(targets))
            rows.append(
                ("letter", f"merged letter of {len(targets):,} targets", seconds, cpu, len(content))
            )

        if args.labels:
            label_format = env.ref("marketing_ops.marketing_label_format_a4_3x7")
            step = create_step(
                env, "benchlabels", args.labels, "label_mailing", label_format_id=label_format.id
            )
            targets = step.target_ids
            # the report's style bundles are built once, by the first report of a database
            step._render_labels_pdf(targets[:1])
            seconds, cpu, content = timed(lambda: step._render_labels_pdf(targets))
            rows.append(
                (
                    "labels",
                    f"labels of {len(targets):,} partners (3 x 7)",
                    seconds,
                    cpu,
                    len(content),
                )
            )
        cr.rollback()

    print()
    print("Documents of marketing steps (targets in the last column)")
    print(
        f"{'benchmark':<40} {'seconds':>8} {'CPU s':>6} {'MB out':>7} {'peak MB':>8} "
        f"{'target s':>9}"
    )
    for key, label, seconds, cpu, size in rows:
        verdict = "ok" if seconds <= TARGETS[key] else "SLOW"
        print(
            f"{label:<40} {seconds:>8.1f} {cpu:>6.1f} {size / 1e6:>7.1f} "
            f"{benchlib.peak_memory_mb():>8.0f} {TARGETS[key]:>6.0f} {verdict}"
        )
    print(f"load average while measured: {os.getloadavg()[0]:.1f} (2 cores)")


if __name__ == "__main__":
    main()
