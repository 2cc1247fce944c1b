"""The transitions of a step: the copy of its transitions and the distribution of its targets."""

from collections import defaultdict

from odoo import _, fields, models
from odoo.tools import SQL

from ...tools import formula as formula_language

# statuses whose targets may move on to the next steps
CONTINUE_KINDS = ("ok", "skipped")


class MarketingOperationStep(models.Model):
    """Transitions of a step: distribution of its targets to the next steps."""

    _inherit = "marketing.operation.step"

    transition_ids = fields.One2many(
        "marketing.operation.transition", "step_id", string="Next Steps", copy=False
    )

    # ---- Copy ---------------------------------------------------------------------------------------

    def copy(self, default=None):
        copies = super().copy(default=default)
        copied = self.env.context.get("marketing_step_copies")
        if copied is None:
            # a step copied on its own keeps its transitions, towards the same steps
            self._copy_transitions(dict(zip(self.ids, copies.ids, strict=True)), remap=False)
        else:
            copied.update(zip(self.ids, copies.ids, strict=True))
        return copies

    def _copy_tree(self, operation, parent=False):
        if self.env.context.get("marketing_step_copies") is not None:
            return super()._copy_tree(operation, parent)
        copied = {}
        copies = super(
            MarketingOperationStep, self.with_context(marketing_step_copies=copied)
        )._copy_tree(operation, parent)
        self._copy_transitions(copied)
        return copies.with_env(self.env)

    def _copy_transitions(self, copied, remap=True):
        """Copy the transitions and conditions of the steps of ``copied`` ({step id: copy id})
        onto their copies; with ``remap``, the destination steps and the steps of status
        conditions that were copied too become their copies."""
        Step = self.env["marketing.operation.step"]
        transitions = Step.browse(list(copied)).transition_ids
        if not transitions:
            return self.env["marketing.operation.transition"]

        def remapped(steps):
            return Step.browse([copied.get(s.id, s.id) if remap else s.id for s in steps])

        vals_list = []
        for transition in transitions:
            vals_list.append(
                {
                    "step_id": copied[transition.step_id.id],
                    "sequence": transition.sequence,
                    "formula": transition.formula,
                    "destination_step_ids": [
                        fields.Command.set(remapped(transition.destination_step_ids).ids)
                    ],
                    "condition_ids": [
                        fields.Command.create(
                            {
                                "sequence": condition.sequence,
                                "code": condition.code,
                                "condition_type": condition.condition_type,
                                "question_id": condition.question_id.id,
                                "operator": condition.operator,
                                "value": condition.value,
                                "status_step_id": remapped(condition.status_step_id).id,
                                "target_state_ids": [
                                    fields.Command.set(condition.target_state_ids.ids)
                                ],
                                "partner_domain": condition.partner_domain,
                            }
                        )
                        for condition in transition.condition_ids
                    ],
                }
            )
        return self.env["marketing.operation.transition"].create(vals_list)

    # ---- Distribution -------------------------------------------------------------------------------

    def _get_transition_targets(self, targets=None, unconditional=False):
        """Which targets go through which transition of these steps.

        Each condition is one query returning the ids of the step's targets that satisfy it;
        formulas are then evaluated over Python sets.

        :param targets: only these targets (of these steps), instead of all those that may move on
        :param unconditional: only the transitions without conditions
        :return: {transition: set of target ids}
        """
        Target = self.env["marketing.operation.target"]
        result = {}
        for step in self:
            transitions = step.transition_ids
            if unconditional:
                transitions = transitions.filtered(lambda t: not t.condition_ids)
            if not transitions:
                continue
            domain = [("step_id", "=", step.id), ("state_id.kind", "in", CONTINUE_KINDS)]
            if targets is not None:
                domain.append(("id", "in", targets.ids))
            universe = Target._search_ids(domain)
            if not universe:
                continue
            # answers and statuses are read for the user's visible targets only (the universe)
            SudoTarget = Target.sudo()
            for transition in transitions:
                tree = transition._parse_formula()
                if tree is None:
                    result[transition] = set(universe)
                    continue
                used = formula_language.codes_of(tree)
                sets = {}
                for condition in transition.condition_ids:
                    code = condition.code.upper()
                    if code not in used:
                        continue
                    if condition.condition_type == "status":
                        condition.status_step_id.check_access("read")
                    sets[code] = SudoTarget._search_ids(
                        [("step_id", "=", step.id), *condition.sudo()._get_target_domain()]
                    )
                result[transition] = formula_language.evaluate_sets(tree, sets, universe)
        return result

    def _distribute(self, targets=None, unconditional=False):
        """Add the targets of these steps to the destinations of the transitions they satisfy.

        :return: {destination step: {"added": n, "present": n, "refused": partners}}
        """
        by_destination = defaultdict(set)
        for transition, target_ids in self._get_transition_targets(
            targets=targets, unconditional=unconditional
        ).items():
            for destination in transition.destination_step_ids:
                by_destination[destination] |= target_ids
        results = {}
        if not by_destination:
            return results
        destinations = self.browse().union(*by_destination)
        destinations.check_access("write")
        self.env["marketing.operation.target"].check_access("create")
        # the statements read targets, their contacts and partners, and insert targets and contacts
        self.env["marketing.operation.target"].flush_model()
        self.env["marketing.operation.target.contact"].flush_model()
        self.env["res.partner"].flush_model(
            ["name", "ref", "is_company", "email", "city", "country_id", "category_id"]
        )
        for destination, target_ids in by_destination.items():
            results[destination] = destination._insert_targets_from(sorted(target_ids))
        for model in ("marketing.operation.target", "marketing.operation.target.contact"):
            self.env[model].invalidate_model()
        destinations.invalidate_recordset()
        return results

    def _insert_targets_from(self, source_target_ids):
        """Target the partners of ``source_target_ids`` (targets of other steps) in this step,
        with the same contacts, in one statement. Partners already targeted here are skipped;
        partners whose kind the operation does not target are refused.

        :return: {"added": n, "present": n, "refused": partners}
        """
        self.ensure_one()
        operation = self.operation_id
        todo = self.env["marketing.target.state"]._get_by_kind("todo")
        tag_ids = operation.target_category_ids.ids
        tag_table = self.env["res.partner"]._fields["category_id"].relation
        refused_sql = SQL(
            "((p.is_company AND NOT %(companies)s) OR (NOT COALESCE(p.is_company, FALSE) AND NOT "
            "%(individuals)s) OR (%(has_tags)s AND NOT EXISTS (SELECT 1 FROM %(tag_table)s tag "
            "WHERE tag.partner_id = p.id AND tag.category_id = ANY(%(tag_ids)s))))",
            companies=operation.target_companies,
            individuals=operation.target_individuals,
            has_tags=bool(tag_ids),
            tag_table=SQL.identifier(tag_table),
            tag_ids=tag_ids or [0],
        )
        query = SQL(
            """
            WITH candidates AS (
                SELECT src.id AS source_id, src.partner_id, p.name, p.ref, p.is_company, p.email,
                       p.city, p.country_id, %(refused)s AS refused,
                       EXISTS (SELECT 1 FROM marketing_operation_target present
                                WHERE present.step_id = %(step)s
                                  AND present.partner_id = src.partner_id) AS present
                  FROM unnest(%(sources)s::int[]) AS source(id)
                  JOIN marketing_operation_target src ON src.id = source.id
                  JOIN res_partner p ON p.id = src.partner_id
            ), inserted AS (
                INSERT INTO marketing_operation_target (
                    step_id, operation_id, company_id, partner_id, partner_name, partner_ref,
                    partner_is_company, partner_email, partner_city, partner_country_id, state_id,
                    counter, create_uid, create_date, write_uid, write_date)
                SELECT %(step)s, %(operation)s, %(company)s, c.partner_id, c.name, c.ref,
                       c.is_company, c.email, c.city, c.country_id, %(todo)s,
                       0, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM candidates c
                 WHERE NOT c.refused AND NOT c.present
                 ORDER BY c.source_id
                ON CONFLICT (step_id, partner_id) DO NOTHING
                RETURNING id, partner_id
            ), contacts AS (
                INSERT INTO marketing_operation_target_contact (
                    target_id, step_id, operation_id, company_id, partner_id, state_id,
                    create_uid, create_date, write_uid, write_date)
                SELECT i.id, %(step)s, %(operation)s, %(company)s, contact.partner_id, %(todo)s,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM inserted i
                  JOIN candidates c ON c.partner_id = i.partner_id
                  JOIN marketing_operation_target_contact contact ON contact.target_id = c.source_id
                RETURNING id
            )
            SELECT (SELECT count(*) FROM inserted),
                   (SELECT count(*) FROM candidates WHERE present),
                   ARRAY(SELECT partner_id FROM candidates WHERE refused AND NOT present),
                   (SELECT count(*) FROM contacts)
            """,
            refused=refused_sql,
            step=self.id,
            operation=operation.id,
            company=self.company_id.id,
            todo=todo.id,
            uid=self.env.uid,
            now=fields.Datetime.now(),
            sources=list(source_target_ids),
        )
        added, present, refused_ids, _contacts = self.env.execute_query(query)[0]
        return {
            "added": added,
            "present": present,
            "refused": self.env["res.partner"].browse(refused_ids),
        }

    def _distribution_message(self, results):
        lines = []
        for destination, result in results.items():
            lines.append(
                _(
                    "%(step)s: %(added)s added, %(present)s already targeted.",
                    step=destination.complete_name,
                    added=result["added"],
                    present=result["present"],
                )
            )
            refused = result["refused"]
            if refused:
                names = ", ".join(refused[:5].mapped("display_name"))
                if len(refused) > 5:
                    names = _("%(names)s and %(count)s others", names=names, count=len(refused) - 5)
                lines.append(
                    _(
                        "%(count)s not added to %(step)s: operation %(operation)s does not target "
                        "their kind (companies, individuals or tags): %(names)s.",
                        count=len(refused),
                        step=destination.name,
                        operation=destination.operation_id.name,
                        names=names,
                    )
                )
        return "\n".join(lines)

    def action_distribute(self):
        """Add every target of the step whose transition holds to the transition's next steps."""
        self.ensure_one()
        if not self.transition_ids:
            message = _("Step %(step)s has no next steps.", step=self.name)
            results = {}
        else:
            results = self._distribute()
            message = self._distribution_message(results) or _(
                "No target of step %(step)s satisfies its transitions.", step=self.name
            )
        refused = any(result["refused"] for result in results.values())
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Distribution of %(step)s", step=self.name),
                "message": message,
                "type": "warning" if refused or not results else "success",
                "sticky": refused,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _progress_targets(self, targets):
        """Targets that reached a status of kind "ok" move on at once through the transitions of
        their step that have no conditions."""
        moving = targets.filtered(lambda t: t.state_id.kind == "ok")
        steps = moving.step_id.filtered(
            lambda s: any(not t.condition_ids for t in s.transition_ids)
        )
        if steps:
            steps._distribute(targets=moving, unconditional=True)
