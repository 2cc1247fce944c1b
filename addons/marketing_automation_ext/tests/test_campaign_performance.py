from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install")
class TestCampaignPerformance(MarketingAutomationCommon):
    def _prepare(self, count):
        records = self._create_partners(count, prefix=f"perf{count}")
        campaign = self._create_campaign(records)
        activity = self._create_activity(campaign, "Mail")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        self.assertEqual(len(activity.trace_ids), count)
        return activity

    def _execute_and_count(self, activity):
        traces = activity.trace_ids
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            traces.browse(traces.ids)._execute()
            self.env.flush_all()
        queries = self.cr.sql_log_count - before
        self.assertEqual(set(traces.mapped("state")), {"processed"})
        self.assertEqual(len(traces.mailing_trace_ids), len(traces))
        return queries

    def test_email_batch_costs_the_same_queries_for_50_and_500(self):
        small, large = self._prepare(50), self._prepare(500)
        # warm the caches (link trackers, layout, registry) with a first run
        self._execute_and_count(self._prepare(5))
        queries_50 = self._execute_and_count(small)
        queries_500 = self._execute_and_count(large)
        self.assertEqual(queries_50, queries_500, "no query per participant")
        self.assertLess(queries_500, 80)
