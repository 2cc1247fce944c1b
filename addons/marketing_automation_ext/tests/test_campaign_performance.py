from odoo.tests import tagged

from .common import NOW, MarketingAutomationCommon


@tagged("post_install", "-at_install", "is_query_count")
class TestCampaignPerformance(MarketingAutomationCommon):
    def _prepare(self, count):
        records = self._create_partners(count, prefix=f"perf{count}")
        campaign = self._create_campaign(records)
        activity = self._create_activity(campaign, "Mail")
        with self.mock_datetime_and_now(NOW):
            self._start(campaign)
        self.assertEqual(len(activity.trace_ids), count)
        return activity

    def _execute(self, traces):
        with self.mock_datetime_and_now(NOW), self.mock_mail_gateway():
            traces.browse(traces.ids)._execute()
            self.env.flush_all()

    def _check_processed(self, activity):
        traces = activity.trace_ids
        self.assertEqual(set(traces.mapped("state")), {"processed"})
        self.assertEqual(len(traces.mailing_trace_ids), len(traces))
        self.assertEqual(
            self.env["mail.mail"].search_count(
                [("mailing_trace_ids", "in", traces.mailing_trace_ids.ids)]
            ),
            len(traces),
        )

    def test_email_batch_costs_the_same_queries_for_50_and_500(self):
        small, large = self._prepare(50), self._prepare(500)
        # warm the caches (link trackers, layout, registry) with a first run
        self._execute(self._prepare(5).trace_ids)
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        self._execute(small.trace_ids)
        queries_50 = self.cr.sql_log_count - before
        self._check_processed(small)
        self.assertLess(queries_50, 80, "a batch costs a bounded set of queries")
        self.env.invalidate_all()
        with self.assertQueryCount(queries_50):
            self._execute(large.trace_ids)
        self._check_processed(large)
