"""Mail templates (``mail.template``): a QWeb body compiled once for all the recipients."""

from lxml import html
from markupsafe import Markup

from odoo import models
from odoo.tools import safe_eval


class MailTemplate(models.Model):
    _inherit = "mail.template"

    def _render_qweb_compiled_once(self, template_src, model, res_ids, add_context=None):
        """{res_id: rendered} of the raw QWeb ``template_src`` on the records ``res_ids`` of
        ``model``, compiled once for them all (the host compiles it again for each record).

        The variables are the host's (``_render_eval_context``, ``object``) plus
        ``add_context``. Templates are rendered unrestricted, as the host renders them
        (``mail.template`` is written by template editors).
        """
        self.ensure_one()
        results = dict.fromkeys(res_ids, "")
        if not template_src or not res_ids:
            return results
        values = self._render_eval_context()
        values.update(add_context or {})
        irqweb = self.env["ir.qweb"]._prepare_environment(values)
        safe_eval.check_values(values)
        # wrapped in a <div> that the results go without, as the host does
        node = html.fragment_fromstring(template_src, create_parent="div")
        functions, def_name = irqweb._compile(node)
        render = functions[def_name]
        for record in self.env[model].browse(res_ids):
            rendered = Markup("".join(render(irqweb, dict(values, object=record))))
            results[record.id] = rendered[5:-6]
        return results
