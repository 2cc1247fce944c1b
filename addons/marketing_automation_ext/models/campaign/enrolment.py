"""How records enter a campaign and leave it: the enrolment cron (by filter), the enrolment
on change (patched ``create`` and ``write`` of the target models), the manual enrolment
offered on the target's lists, and whether a record may enter again."""

import logging

from psycopg2 import errors as pg_errors

from odoo import Command, _, api, fields, models, tools
from odoo.osv import expression
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# errors of concurrent transactions: the cron runner retries them, they are not the campaign's
TRANSIENT_ERRORS = (
    pg_errors.SerializationFailure,
    pg_errors.DeadlockDetected,
    pg_errors.LockNotAvailable,
)

# fields of a campaign that decide which campaigns enrol on change, and on which models
RULE_FIELDS = {"state", "enrol_on_change", "model_id", "active"}
# fields of a campaign that decide on which lists the action "Add to campaign" is offered
MANUAL_FIELDS = {"enrol_manually", "model_id", "active"}
MANUAL_WIZARD = "marketing.automation.campaign.enrol"


class MarketingAutomationCampaignEnrolment(models.Model):
    """How records enter a campaign (the enrolment modes) and whether they may enter again."""

    _inherit = "marketing.automation.campaign"

    enrol_by_filter = fields.Boolean(
        string="Enrol by Filter",
        default=True,
        help="The scheduler regularly enrols the records that match the filter.",
    )
    enrol_on_change = fields.Boolean(
        string="Enrol on Change",
        help="A record enters when it is created or changed so that it matches the filter, "
        "and leaves (removed, its scheduled steps canceled) when it stops matching.",
    )
    enrol_manually = fields.Boolean(
        help="Users add the records they select in the list of the target with the action "
        "'Add to campaign'; those that do not match the filter are refused.",
    )
    allow_reentry = fields.Boolean(
        string="Allow Re-entry",
        help="A record whose participation was completed or removed may enter again (a new "
        "participant); without it, a record enters once. With the filter mode, a record "
        "that still matches enters again at the next enrolment after it completed.",
    )

    last_error_origin = fields.Selection(
        selection_add=[("rules", "Enrolment on change")], ondelete={"rules": "set null"}
    )

    # ------------------------------------------------------------------ ORM

    @api.model_create_multi
    def create(self, vals_list):
        campaigns = super().create(vals_list)
        if any(vals.keys() & RULE_FIELDS for vals in vals_list):
            campaigns._update_rule_hooks()
        if any(vals.get("enrol_manually") for vals in vals_list):
            self._update_manual_bindings()
        return campaigns

    def write(self, vals):
        res = super().write(vals)
        if vals.keys() & RULE_FIELDS:
            self._update_rule_hooks()
        if vals.keys() & MANUAL_FIELDS:
            self._update_manual_bindings()
        return res

    def unlink(self):
        manual = any(self.mapped("enrol_manually"))
        res = super().unlink()
        self.env.registry.clear_cache()
        if manual:
            self._update_manual_bindings()
        return res

    # ------------------------------------------------------------------ CRON

    @api.model
    def _cron_enrol(self):
        """Enrol the matching records of running campaigns, a bounded number per campaign and
        call; report progress so that the cron runner calls again while some are left."""
        limit = self.env["marketing.automation.trace"]._get_batch_size() * 5
        campaigns = self.search([("state", "=", "running"), ("enrol_by_filter", "=", True)])
        done, remaining = 0, 0
        for campaign in campaigns:
            # one campaign that fails (a filter on a field removed since) is rolled back and
            # records why; the others are enrolled
            try:
                with self.env.cr.savepoint():
                    enrolled = campaign._enrol_participants(limit=limit)
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:
                _logger.warning("Enrolment of automated campaign %s failed: %s", campaign.id, error)
                campaign._set_cron_error("enrol", str(error) or error.__class__.__name__)
                continue
            campaign._clear_cron_error("enrol")
            done += enrolled
            if enrolled >= limit:
                remaining += 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        if remaining:
            self.env.ref(
                "marketing_automation_ext.ir_cron_marketing_automation_campaign_enrol"
            )._trigger()

    # ------------------------------------------------------------------ ENROLMENT

    @api.model
    def _get_enrol_candidate_ids(self, limit=None, res_ids=None):
        """Ids of the records (among ``res_ids`` if given) that match the filter and are not
        participants yet, deduplicated on the unique field (among themselves and against the
        existing participants)."""
        self.ensure_one()
        Model = self.env[self.model_name]
        domain = self._get_target_domain()
        if res_ids is not None:
            domain = expression.AND([[("id", "in", list(res_ids))], domain])
        query = Model._search(domain)
        participant_table = SQL.identifier("marketing_automation_participant")
        # with re-entry, only a running participation keeps the record (or its value) out
        in_campaign = SQL("p.is_test IS NOT TRUE")
        self.env["marketing.automation.participant"].flush_model(
            ["campaign_id", "res_id", "is_test", "state", "unique_value"]
        )
        if self.allow_reentry:
            in_campaign = SQL("p.is_test IS NOT TRUE AND p.state = 'running'")
        exclusion = SQL(
            "NOT EXISTS (SELECT 1 FROM %s p WHERE p.campaign_id = %s AND p.res_id = %s AND %s)",
            participant_table,
            self.id,
            SQL.identifier(Model._table, "id"),
            in_campaign,
        )
        query.add_where(exclusion)
        if self.unique_field_id:
            field_sql = Model._field_to_sql(Model._table, self.unique_field_id.name, query)
            query.add_where(
                SQL(
                    "NOT EXISTS (SELECT 1 FROM %s p WHERE p.campaign_id = %s"
                    " AND p.unique_value = (%s)::varchar AND %s)",
                    participant_table,
                    self.id,
                    field_sql,
                    in_campaign,
                )
            )
            # the first record of each value enters; records without a value cannot be
            # told apart and each of them enters
            rows = self.env.execute_query(
                SQL(
                    """SELECT DISTINCT ON (%s) %s FROM %s WHERE %s AND (%s) IS NOT NULL
                        ORDER BY %s, %s""",
                    field_sql,
                    SQL.identifier(Model._table, "id"),
                    query.from_clause,
                    query.where_clause or SQL("TRUE"),
                    field_sql,
                    field_sql,
                    SQL.identifier(Model._table, "id"),
                )
            ) + self.env.execute_query(
                SQL(
                    "SELECT %s FROM %s WHERE %s AND (%s) IS NULL",
                    SQL.identifier(Model._table, "id"),
                    query.from_clause,
                    query.where_clause or SQL("TRUE"),
                    field_sql,
                )
            )
            ids = sorted(row[0] for row in rows)
            return ids[:limit] if limit else ids
        query.order = SQL.identifier(Model._table, "id")
        query.limit = limit
        return [row[0] for row in self.env.execute_query(query.select())]

    def _enrol_participants(self, limit=None):
        """Enrol the matching records of running campaigns; return the number enrolled."""
        total = 0
        now = fields.Datetime.now()
        for campaign in self.filtered(lambda c: c.state == "running" and c.enrol_by_filter):
            res_ids = campaign._get_enrol_candidate_ids(limit=limit)
            if res_ids:
                campaign._create_participants(res_ids)
                total += len(res_ids)
            campaign.last_sync_date = now
        return total

    def _create_participants(self, res_ids, is_test=False):
        """Create participants for ``res_ids`` in one insert (a record already enrolled is
        skipped by the unique index) and schedule their start activities."""
        self.ensure_one()
        unique_values = {}
        if self.unique_field_id and not is_test:
            fname = self.unique_field_id.name
            for record in self.env[self.model_name].browse(res_ids):
                value = record[fname]
                if isinstance(value, models.BaseModel):
                    value = value.id
                unique_values[record.id] = str(value) if value not in (False, None) else None
        now, uid = fields.Datetime.now(), self.env.uid
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                INSERT INTO marketing_automation_participant (campaign_id, company_id, res_model,
                       res_id, state, enrol_date, is_test, unique_value, create_date, create_uid,
                       write_date, write_uid)
                SELECT %s, %s, %s, t.res_id, 'running', %s, %s, t.unique_value, %s, %s, %s, %s
                  FROM unnest(%s::int[], %s::varchar[]) AS t(res_id, unique_value)
                    ON CONFLICT DO NOTHING
             RETURNING id
                """,
                self.id,
                self.company_id.id,
                self.model_name,
                now,
                is_test,
                now,
                uid,
                now,
                uid,
                list(res_ids),
                [unique_values.get(res_id) for res_id in res_ids],
            )
        )
        participants = self.env["marketing.automation.participant"].browse([row[0] for row in rows])
        self.invalidate_recordset(["participant_ids"])
        start_activities = self.activity_ids.filtered(lambda a: a.trigger_type == "begin")
        self.env["marketing.automation.trace"]._schedule(start_activities, participants, now)
        return participants

    def _update_manual_bindings(self):
        """Offer the action "Add to campaign" on the lists of the models that campaigns
        enrolling manually target, and on those only."""
        Action = self.env["ir.actions.act_window"].sudo()
        wanted = set(self.sudo().search([("enrol_manually", "=", True)]).model_id.ids)
        existing = Action.search(
            [("res_model", "=", MANUAL_WIZARD), ("binding_model_id", "!=", False)]
        )
        bound = set(existing.binding_model_id.ids)
        group = self.env.ref("marketing_automation_ext.marketing_automation_ext_group_user")
        name = self.env._("Add to campaign")
        Action.create(
            [
                {
                    "name": name,
                    "res_model": MANUAL_WIZARD,
                    "binding_model_id": model_id,
                    "binding_view_types": "list",
                    "view_mode": "form",
                    "target": "new",
                    "groups_id": [Command.set(group.ids)],
                }
                for model_id in sorted(wanted - bound)
            ]
        )
        existing.filtered(lambda action: action.binding_model_id.id not in wanted).unlink()

    def _update_rule_hooks(self):
        """The campaigns using rules changed: forget the cached list and patch the models they
        target (other workers reload their registry to patch them too)."""
        self.env.registry.clear_cache()
        models_to_patch = {
            campaign.model_name
            for campaign in self
            if campaign.enrol_on_change
            and campaign.model_name
            and not _is_patched(self.env.registry.get(campaign.model_name))
        }
        if models_to_patch:
            self._patch_rule_models(models_to_patch)
            if self.env.registry.ready:
                self.env.registry.registry_invalidated = True

    # ------------------------------------------------------------------ RULES

    def _register_hook(self):
        super()._register_hook()
        campaigns = (
            self.sudo()
            .with_context(active_test=False)
            .search_fetch([("enrol_on_change", "=", True)], ["model_name"])
        )
        self._patch_rule_models(set(campaigns.mapped("model_name")))

    @api.model
    def _patch_rule_models(self, model_names):
        """Patch ``create`` and ``write`` of the target models ``model_names`` so that their
        records enter or leave the campaigns enrolling on change."""
        for model_name in model_names:
            model_class = self.env.registry.get(model_name)
            if model_class is None or _is_patched(model_class):
                continue
            create = _make_create()
            create.origin = model_class.create
            model_class.create = create
            write = _make_write()
            write.origin = model_class.write
            model_class.write = write

    @api.model
    @tools.ormcache("model_name")
    def _get_rule_campaign_ids(self, model_name):
        """Ids of the running campaigns enrolling the records of ``model_name`` on change
        (cached: most writes of a target model have none to look at)."""
        return tuple(
            self.sudo()
            .search(
                [
                    ("state", "=", "running"),
                    ("enrol_on_change", "=", True),
                    ("model_name", "=", model_name),
                ],
                order="id",
            )
            .ids
        )

    @api.model
    def _apply_rules(self, records):
        """``records`` were created or written: make those that match the filter of a running
        campaign enrolling on change enter it, and those that stopped matching leave it. A
        campaign that fails records why and never makes the write fail."""
        if not records or self.env.context.get("marketing_automation_no_rules"):
            return
        campaign_ids = self._get_rule_campaign_ids(records._name)
        if not campaign_ids:
            return
        # the write itself fails on its own errors, before any campaign's
        self.env.flush_all()
        res_ids = [record_id for record_id in records.ids if record_id]
        for campaign in self.sudo().browse(campaign_ids):
            try:
                with self.env.cr.savepoint():
                    campaign._enrol_or_remove(res_ids)
            except TRANSIENT_ERRORS:
                raise
            except Exception as error:
                _logger.warning("Enrolment on change of campaign %s failed: %s", campaign.id, error)
                campaign._set_cron_error("rules", str(error) or error.__class__.__name__)
            else:
                campaign._clear_cron_error("rules")

    def _enrol_or_remove(self, res_ids):
        """Enrol those of ``res_ids`` that match and may enter; remove the running
        participants of those that no longer match. A bounded number of queries."""
        self.ensure_one()
        if self.state != "running" or not res_ids:
            return
        Model = self.env[self.model_name]
        domain = expression.AND([[("id", "in", res_ids)], self._get_target_domain()])
        matching = set(Model._search(domain))
        if matching:
            entering = self._get_enrol_candidate_ids(res_ids=sorted(matching))
            if entering:
                self._create_participants(entering)
        leaving_ids = set(res_ids) - matching
        if leaving_ids:
            leaving = self.env["marketing.automation.participant"].search(
                [
                    ("campaign_id", "=", self.id),
                    ("state", "=", "running"),
                    ("is_test", "=", False),
                    ("res_id", "in", sorted(leaving_ids)),
                ]
            )
            if leaving:
                leaving._remove(_("No longer matches the campaign's filter."))


def _is_patched(model_class):
    """Whether ``write`` of ``model_class`` goes through the rules (maybe below other
    patches)."""
    method = model_class and model_class.write
    while method is not None:
        if getattr(method, "_marketing_automation_rules", False):
            return True
        method = getattr(method, "origin", None)
    return False


def _make_create():
    @api.model_create_multi
    def create(self, vals_list, **kwargs):
        records = create.origin(self, vals_list, **kwargs)
        records.env["marketing.automation.campaign"]._apply_rules(records)
        return records

    create._marketing_automation_rules = True
    return create


def _make_write():
    def write(self, vals, **kwargs):
        res = write.origin(self, vals, **kwargs)
        self.env["marketing.automation.campaign"]._apply_rules(self)
        return res

    write._marketing_automation_rules = True
    return write
