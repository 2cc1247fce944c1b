import threading

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCampaignConcurrency(TransactionCase):
    """Two workers claiming the same due traces at the same time, each on its own database
    connection: the data is committed, then removed at the end."""

    COUNT = 1000

    def _setup_committed_campaign(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].create(
                [
                    {"name": f"ma_concurrent {i}", "email": f"ma_concurrent.{i}@test.example.com"}
                    for i in range(self.COUNT)
                ]
            )
            campaign = env["marketing.automation.campaign"].create(
                {
                    "name": "Concurrent campaign",
                    "model_id": env["ir.model"]._get_id("res.partner"),
                    "domain": repr([("name", "=like", "ma_concurrent %")]),
                }
            )
            activity = env["marketing.automation.activity"].create(
                {"name": "Mail", "campaign_id": campaign.id, "activity_type": "email"}
            )
            activity.mailing_id.write(
                {
                    "body_arch": "<p>Hello <t t-out='object.name'/></p>",
                    "body_html": "<p>Hello <t t-out='object.name'/></p>",
                }
            )
            campaign.action_start()
            campaign._enrol_participants()
            # other connections must see the data
            cr.commit()  # pylint: disable=invalid-commit
            return campaign.id, activity.mailing_id.id, partners.ids

    def _set_batch_size(self, size):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["ir.config_parameter"].set_param("marketing_automation_ext.batch_size", size)
            cr.commit()  # pylint: disable=invalid-commit

    def _check_processed_once(self, campaign_id, mailing_id, partner_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            traces = env["marketing.automation.trace"].search([("campaign_id", "=", campaign_id)])
            self.assertEqual(len(traces), self.COUNT)
            self.assertEqual(set(traces.mapped("state")), {"processed"})
            mails = env["mail.mail"].search([("mailing_id", "=", mailing_id)])
            self.assertEqual(len(mails), self.COUNT)
            self.assertEqual(sorted(mails.mapped("res_id")), sorted(partner_ids))
            self.assertEqual(
                len(env["mailing.trace"].search([("mass_mailing_id", "=", mailing_id)])),
                self.COUNT,
            )

    def _cleanup(self, campaign_id, mailing_id, partner_ids):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            campaign = env["marketing.automation.campaign"].browse(campaign_id)
            campaign.state = "stopped"
            env["mail.mail"].search([("mailing_id", "=", mailing_id)]).unlink()
            utm = campaign.utm_campaign_id
            campaign.unlink()
            env["mailing.mailing"].browse(mailing_id).unlink()
            utm.unlink()
            env["res.partner"].browse(partner_ids).unlink()
            # other connections must see the data
            cr.commit()  # pylint: disable=invalid-commit

    def test_two_workers_never_run_a_trace_twice(self):
        campaign_id, mailing_id, partner_ids = self._setup_committed_campaign()
        try:
            claimed = {"a": [], "b": []}
            with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
                workers = {}
                for name, cr in (("a", cr_a), ("b", cr_b)):
                    # a worker that would wait for the other one fails instead of hanging
                    cr.execute("SET lock_timeout = '10s'")
                    workers[name] = api.Environment(cr, SUPERUSER_ID, {})[
                        "marketing.automation.trace"
                    ]
                for _round in range(10):
                    # both workers claim before either commits: the second one skips the rows
                    # the first one holds
                    batch_a = workers["a"]._claim_due(limit=300)
                    batch_b = workers["b"]._claim_due(limit=300)
                    if not batch_a and not batch_b:
                        break
                    self.assertFalse(set(batch_a.ids) & set(batch_b.ids))
                    batch_a._execute()
                    batch_b._execute()
                    claimed["a"] += batch_a.ids
                    claimed["b"] += batch_b.ids
                    cr_a.commit()
                    cr_b.commit()
            self.assertTrue(claimed["a"] and claimed["b"], "both workers took a share")
            self.assertFalse(set(claimed["a"]) & set(claimed["b"]))
            self.assertEqual(len(claimed["a"]) + len(claimed["b"]), self.COUNT)
            self._check_processed_once(campaign_id, mailing_id, partner_ids)
        finally:
            self._cleanup(campaign_id, mailing_id, partner_ids)

    def test_two_cron_workers_in_threads(self):
        """The execute cron itself, called over and over by two threads at once, each call on
        its own cursor and committed, as two cron workers do."""
        campaign_id, mailing_id, partner_ids = self._setup_committed_campaign()
        self._set_batch_size(150)
        errors, calls = [], []

        def worker():
            try:
                for _call in range(40):
                    with self.registry.cursor() as cr:
                        cr.execute("SET lock_timeout = '10s'")
                        # the registry is given: looking it up would wait for the test runner,
                        # which holds the registry lock while tests run
                        cr.transaction = api.Transaction(self.registry)
                        Trace = api.Environment(cr, SUPERUSER_ID, {})["marketing.automation.trace"]
                        if not Trace._get_due_stats()[0]:
                            return
                        Trace._cron_execute()
                        calls.append(1)
            except Exception as error:  # reported by the test thread below
                errors.append(error)

        try:
            threads = [threading.Thread(target=worker) for _worker in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            self.assertFalse(errors)
            self.assertGreaterEqual(len(calls), self.COUNT // 150)
            self._check_processed_once(campaign_id, mailing_id, partner_ids)
        finally:
            self._set_batch_size(False)
            self._cleanup(campaign_id, mailing_id, partner_ids)
