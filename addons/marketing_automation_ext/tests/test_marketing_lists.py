"""Marketing lists (eWay): host mailing lists filled from filters on contacts, companies,
opportunities and projects, deduplicated by email, refreshed by hand or by the daily cron, and
used as they are by Email Marketing and by campaigns on mailing contacts."""

import logging
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import NOW, MarketingAutomationCommon

_logger = logging.getLogger(__name__)


def count_queries(env, run):
    """Queries ``run()`` makes, caches emptied before and its writes flushed after."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    run()
    env.flush_all()
    return env.cr.sql_log_count - before


class MarketingListCase(MarketingAutomationCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the lowest user that builds lists from opportunities: Email Marketing and Sales
        cls.list_user = new_test_user(
            cls.env,
            "ml_list_user",
            groups="mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman_all_leads",
        )
        Partner = cls.env["res.partner"]
        cls.companies = Partner.create(
            [
                {"name": f"ML Company {index}", "is_company": True, "email": f"co{index}@ml.test"}
                for index in range(10)
            ]
        )
        cls.company_no_email = Partner.create({"name": "ML Company mute", "is_company": True})
        cls.person = Partner.create(
            {"name": "ML Person", "email": "person@ml.test", "parent_id": cls.companies[0].id}
        )
        cls.customer = Partner.create({"name": "ML Customer", "email": "Customer@ML.test"})
        Lead = cls.env["crm.lead"]
        cls.opportunities = Lead.create(
            [
                {
                    "name": f"ML Opportunity {index}",
                    "type": "opportunity",
                    "email_from": f"opp{index}@ml.test",
                    "contact_name": f"Opp Contact {index}",
                    "partner_name": f"Opp Company {index}",
                    "user_id": False,
                }
                for index in range(20)
            ]
        )
        cls.opportunity_customer = Lead.create(
            {
                "name": "ML Opportunity of a customer",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": False,
            }
        )
        # the same addresses written otherwise: case, spaces, "Name" <address>
        cls.opportunity_dup_company = Lead.create(
            {
                "name": "ML Opportunity duplicate",
                "type": "opportunity",
                "email_from": "  CO1@ML.Test ",
                "user_id": False,
            }
        )
        cls.opportunity_named = Lead.create(
            {
                "name": "ML Opportunity named",
                "type": "opportunity",
                "email_from": '"Jane Doe" <Jane.Doe@ML.test>',
                "user_id": False,
            }
        )
        cls.opportunity_twin = Lead.create(
            {
                "name": "ML Opportunity twin",
                "type": "opportunity",
                "email_from": '"J. Doe" <jane.doe@ml.test>',
                "user_id": False,
            }
        )
        cls.opportunity_no_email = Lead.create(
            {"name": "ML Opportunity mute", "type": "opportunity", "user_id": False}
        )
        cls.lead_not_opportunity = Lead.create(
            {"name": "ML Lead", "type": "lead", "email_from": "lead@ml.test", "user_id": False}
        )
        cls.all_opportunities = (
            cls.opportunities
            | cls.opportunity_customer
            | cls.opportunity_dup_company
            | cls.opportunity_named
            | cls.opportunity_twin
            | cls.opportunity_no_email
        )

    @classmethod
    def _create_list(cls, sources, user=None, **values):
        """A list of ``user`` filled from ``sources``: [(model, domain, values)]."""
        Model = cls.env["mailing.list"].with_user(user or cls.list_user)
        return Model.create(
            {
                "name": "ML list",
                "marketing_source_ids": [
                    (
                        0,
                        0,
                        {
                            "model_id": cls.env["ir.model"]._get_id(model),
                            "domain": repr(domain),
                            **extra,
                        },
                    )
                    for model, domain, extra in sources
                ],
                **values,
            }
        )

    @classmethod
    def _opportunities_and_companies(cls, **values):
        return cls._create_list(
            [
                (
                    "crm.lead",
                    [("type", "=", "opportunity"), ("name", "=like", "ML Opportunity%")],
                    {},
                ),
                ("res.partner", [("name", "=like", "ML Company%")], {"partner_kind": "company"}),
            ],
            **values,
        )

    def _emails(self, mailing_list):
        return set(mailing_list.subscription_ids.contact_id.mapped("email_normalized"))

    def _subscription(self, mailing_list, email):
        return mailing_list.subscription_ids.filtered(
            lambda s: s.contact_id.email_normalized == email
        )


@tagged("post_install", "-at_install")
class TestMarketingLists(MarketingListCase):
    def test_list_from_opportunities_and_companies(self):
        mailing_list = self._opportunities_and_companies()
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        expected = (
            {f"opp{index}@ml.test" for index in range(20)}
            | {f"co{index}@ml.test" for index in range(10)}
            | {"customer@ml.test", "jane.doe@ml.test"}
        )
        self.assertEqual(self._emails(mailing_list), expected)
        self.assertEqual(len(mailing_list.subscription_ids), len(expected), "one per address")
        self.assertEqual(result["added"], len(expected))
        self.assertEqual(result["created"], len(expected))
        # co1 is both a company and an opportunity's address; Jane Doe written twice
        self.assertEqual(result["duplicates"], 2)
        # the opportunity without email and the company without email
        self.assertEqual(result["no_email"], 2)
        self.assertIn("2 records without email", mailing_list.marketing_refresh_summary)
        lead_source, company_source = mailing_list.marketing_source_ids
        self.assertEqual(lead_source.last_record_count, len(self.all_opportunities))
        self.assertEqual(lead_source.last_no_email_count, 1)
        self.assertEqual(company_source.last_record_count, 11)
        self.assertEqual(company_source.last_no_email_count, 1)
        self.assertTrue(mailing_list.marketing_last_refresh)
        # each contact keeps the record it came from (the first source wins)
        self.assertEqual(
            self._subscription(mailing_list, "co1@ml.test").marketing_source_ref,
            self.opportunity_dup_company,
        )
        self.assertEqual(
            self._subscription(mailing_list, "co5@ml.test").marketing_source_ref,
            self.companies[5],
        )
        self.assertEqual(
            self._subscription(mailing_list, "jane.doe@ml.test").marketing_source_ref,
            self.opportunity_named,
        )
        customer = self._subscription(mailing_list, "customer@ml.test")
        self.assertEqual(customer.marketing_source_ref, self.opportunity_customer)
        self.assertEqual(customer.contact_id.name, "ML Customer", "the customer's address")
        jane = self._subscription(mailing_list, "jane.doe@ml.test").contact_id
        self.assertEqual(jane.name, "Jane Doe", "the name typed with the address")
        opp = self._subscription(mailing_list, "opp3@ml.test").contact_id
        self.assertEqual((opp.name, opp.company_name), ("Opp Contact 3", "Opp Company 3"))
        # leads, people and what other sources match stay out
        self.assertNotIn("lead@ml.test", self._emails(mailing_list))
        self.assertNotIn("person@ml.test", self._emails(mailing_list))
        self.assertEqual(mailing_list.contact_count, len(expected))

    def test_refresh_button_reports_the_figures(self):
        mailing_list = self._opportunities_and_companies()
        action = mailing_list.with_user(self.list_user).action_refresh_marketing_sources()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("32 contacts added", action["params"]["message"])
        self.assertEqual(mailing_list.marketing_refresh_user_id, self.list_user)

    def test_refresh_twice_adds_nothing(self):
        mailing_list = self._opportunities_and_companies()
        mailing_list._refresh_marketing_sources()
        contacts = self.env["mailing.contact"].search_count([])
        subscriptions = mailing_list.subscription_ids
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        self.assertEqual((result["added"], result["created"]), (0, 0))
        self.assertEqual(result["already"], len(subscriptions))
        self.assertEqual(self.env["mailing.contact"].search_count([]), contacts)
        self.assertEqual(mailing_list.subscription_ids, subscriptions)

    def test_existing_mailing_contact_is_reused(self):
        other_list = self.env["mailing.list"].create({"name": "ML other"})
        known = self.env["mailing.contact"].create(
            {"name": "Known", "email": '"Known" <CO2@ml.TEST>', "list_ids": [(4, other_list.id)]}
        )
        mailing_list = self._opportunities_and_companies()
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        self.assertEqual(result["created"], result["added"] - 1)
        self.assertEqual(self._subscription(mailing_list, "co2@ml.test").contact_id, known)
        self.assertEqual(
            self.env["mailing.contact"].search_count([("email_normalized", "=", "co2@ml.test")]),
            1,
            "no second contact for the same address",
        )
        self.assertEqual(known.list_ids, other_list | mailing_list)

    def test_opted_out_contact_stays_out(self):
        mailing_list = self._opportunities_and_companies()
        mailing_list._refresh_marketing_sources()
        blacklist = self.env["mail.blacklist"].with_context(active_test=False).search([])
        subscription = self._subscription(mailing_list, "opp4@ml.test")
        subscription.with_user(self.list_user).opt_out = True
        # the same address on a second mailing contact, outside the list
        self.env["mailing.contact"].create({"name": "Twin", "email": "OPP4@ml.test"})
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        self.assertEqual(result["opted_out"], 1)
        self.assertEqual(result["added"], 0)
        self.assertEqual(self._subscription(mailing_list, "opp4@ml.test"), subscription)
        self.assertTrue(subscription.opt_out)
        self.assertIn("1 opted out and kept out", mailing_list.marketing_refresh_summary)
        self.assertEqual(
            self.env["mail.blacklist"].with_context(active_test=False).search([]),
            blacklist,
            "the blacklist is not touched",
        )

    def test_contacts_that_no_longer_match_leave_the_list(self):
        mailing_list = self._opportunities_and_companies()
        mailing_list._refresh_marketing_sources()
        by_hand = self.env["mailing.contact"].create(
            {"name": "By hand", "email": "hand@ml.test", "list_ids": [(4, mailing_list.id)]}
        )
        self._subscription(mailing_list, "opp8@ml.test").opt_out = True
        leaving = self._subscription(mailing_list, "opp7@ml.test").contact_id
        # one opportunity changes its address, two leave the filter (one of them opted out)
        self.opportunities[6].email_from = "opp6.new@ml.test"
        (self.opportunities[7] | self.opportunities[8]).name = "Lost deal"
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        emails = self._emails(mailing_list)
        self.assertEqual(result["removed"], 2, "opp6's old address and opp7")
        self.assertNotIn("opp6@ml.test", emails)
        self.assertIn("opp6.new@ml.test", emails)
        self.assertNotIn("opp7@ml.test", emails)
        self.assertTrue(leaving.exists(), "the mailing contact remains, out of the list")
        self.assertTrue(self._subscription(mailing_list, "opp8@ml.test").opt_out)
        self.assertIn(by_hand, mailing_list.subscription_ids.contact_id)
        self.assertIn(
            "2 contacts who no longer match the sources left the list.",
            mailing_list.marketing_refresh_summary,
        )
        again = mailing_list._refresh_marketing_sources()[mailing_list.id]
        self.assertEqual((again["removed"], again["added"]), (0, 0))

    def test_blacklisted_address_enters_and_stays_blacklisted(self):
        self.env["mail.blacklist"]._add("opp6@ml.test")
        mailing_list = self._opportunities_and_companies()
        mailing_list._refresh_marketing_sources()
        contact = self._subscription(mailing_list, "opp6@ml.test").contact_id
        self.assertTrue(contact.is_blacklisted, "Email Marketing leaves it out when sending")
        self.assertEqual(mailing_list.contact_count_blacklisted, 1)

    def test_records_the_user_may_not_read_stay_out(self):
        salesman = new_test_user(
            self.env,
            "ml_salesman",
            groups="mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman",
        )
        self.opportunities[:3].user_id = self.ma_user
        mailing_list = self._create_list(
            [("crm.lead", [("name", "=like", "ML Opportunity%")], {})], user=salesman
        )
        mailing_list.with_user(salesman)._refresh_marketing_sources()
        emails = self._emails(mailing_list)
        self.assertFalse({"opp0@ml.test", "opp1@ml.test", "opp2@ml.test"} & emails)
        self.assertIn("opp3@ml.test", emails)

    def test_list_form_shows_sources_and_where_contacts_come_from(self):
        views = self.env["mailing.list"].with_user(self.list_user).get_views([(False, "form")])
        arch = views["views"]["form"]["arch"]
        for name in (
            "action_refresh_marketing_sources",
            "marketing_source_ids",
            "marketing_auto_refresh",
            "marketing_last_refresh",
            "marketing_source_ref",
        ):
            self.assertIn(f'name="{name}"', arch)
        subscriptions = self.env["mailing.subscription"].with_user(self.list_user)
        arch = subscriptions.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="marketing_source_ref"', arch)

    def test_bad_filters_refused_with_a_clear_message(self):
        cases = {
            "not a list": ("res.partner", "{'a': 1}", "must be a list of conditions"),
            "unknown field": ("crm.lead", "[('no_such_field', '=', 1)]", "no_such_field"),
            "not python": ("res.partner", "[('name', '=', ", "is not a list of conditions"),
        }
        for name, (model, domain, reason) in cases.items():
            with self.subTest(case=name), self.assertRaises(ValidationError) as caught:
                self._create_list([(model, [], {})]).marketing_source_ids.domain = domain
            self.assertIn("is not valid", str(caught.exception))
            self.assertIn(reason, str(caught.exception))
        with self.assertRaisesRegex(ValidationError, "cannot be filled from"):
            self._create_list([("res.users", [], {})])

    def test_project_source_only_with_project(self):
        Source = self.env["marketing.automation.list.source"]
        offered = Source._get_source_model_names()
        field = Source.fields_get(["model_id"])["model_id"]
        self.assertIn(("model", "in", offered), field["domain"])
        if "project.project" not in self.env:
            # without project, projects are not offered (and nothing depends on it)
            self.assertEqual(offered, ["res.partner", "crm.lead"])
            return
        self.assertIn("project.project", offered)
        projects = self.env["project.project"].create(
            [
                {"name": "ML Project customer", "partner_id": self.customer.id},
                {"name": "ML Project alone"},
            ]
        )
        mailing_list = self._create_list(
            [("project.project", [("id", "in", projects.ids)], {})],
            user=self.env.ref("base.user_admin"),
        )
        result = mailing_list._refresh_marketing_sources()[mailing_list.id]
        self.assertEqual(self._emails(mailing_list), {"customer@ml.test"})
        self.assertEqual(result["no_email"], 1)
        self.assertEqual(
            self._subscription(mailing_list, "customer@ml.test").marketing_source_ref,
            projects[0],
        )

    def test_project_reader_on_a_stand_in_table(self):
        """The test database has no project: the query of the project source runs on a
        stand-in table of the same name and columns (id, partner_id), as the module would
        create it, so that the source is tested where project is absent."""
        if "project.project" in self.env:
            self.skipTest("project is installed: test_project_source_only_with_project runs")
        self.env.cr.execute(
            "CREATE TEMPORARY TABLE project_project (id integer PRIMARY KEY, partner_id integer)"
            " ON COMMIT DROP"
        )
        self.env.cr.execute(
            "INSERT INTO project_project VALUES (7, %s), (8, NULL)", [self.customer.id]
        )

        class StandInProjects:
            def flush_model(self, fnames=None):
                """Nothing in the ORM to flush: the rows are in the table."""

        query = SQL("(SELECT id FROM project_project WHERE id IN (7, 8))")

        class StandInQuery:
            def subselect(self):
                return query

        rows = self.env["marketing.automation.list.source"]._read_recipients_project_project(
            StandInProjects(), StandInQuery()
        )
        # the customer's own address and name; a person without a company has none
        self.assertEqual(
            rows, [(7, "Customer@ML.test", "ML Customer", None), (8, None, None, None)]
        )


@tagged("post_install", "-at_install")
class TestMarketingListCron(MarketingListCase):
    def _cron(self, when):
        with self.mock_datetime_and_now(when):
            self.env["mailing.list"]._cron_refresh_marketing_sources()

    def test_cron_adds_the_new_matching_records(self):
        mailing_list = self._opportunities_and_companies(marketing_auto_refresh=True)
        self.assertEqual(mailing_list.marketing_refresh_user_id, self.list_user)
        manual = self._opportunities_and_companies()
        self._cron(NOW)
        self.assertEqual(len(mailing_list.subscription_ids), 32)
        self.assertFalse(manual.subscription_ids, "lists without daily refresh are left alone")
        new = self.env["crm.lead"].create(
            {"name": "ML Opportunity new", "type": "opportunity", "email_from": "new@ml.test"}
        )
        self._cron(NOW + timedelta(hours=2))
        self.assertNotIn("new@ml.test", self._emails(mailing_list), "once a day")
        self._cron(NOW + timedelta(days=1))
        self.assertIn("new@ml.test", self._emails(mailing_list))
        self.assertEqual(self._subscription(mailing_list, "new@ml.test").marketing_source_ref, new)
        self.assertEqual(len(mailing_list.subscription_ids), 33)

    def test_cron_reads_with_the_rights_of_the_list_user(self):
        salesman = new_test_user(
            self.env,
            "ml_cron_salesman",
            groups="mass_mailing.group_mass_mailing_user,sales_team.group_sale_salesman",
        )
        self.opportunities[:3].user_id = self.ma_user
        mailing_list = self._create_list(
            [("crm.lead", [("name", "=like", "ML Opportunity%")], {})],
            user=salesman,
            marketing_auto_refresh=True,
        )
        self._cron(NOW)
        emails = self._emails(mailing_list)
        self.assertIn("opp3@ml.test", emails)
        self.assertNotIn("opp0@ml.test", emails)

    def test_cron_failure_stays_on_its_list(self):
        broken = self._opportunities_and_companies(marketing_auto_refresh=True, name="ML broken")
        healthy = self._opportunities_and_companies(marketing_auto_refresh=True, name="ML ok")
        # a filter on a field removed since it was saved
        source = broken.marketing_source_ids[0]
        self.env.cr.execute(
            SQL(
                "UPDATE marketing_automation_list_source SET domain = %s WHERE id = %s",
                "[('x_gone', '=', 1)]",
                source.id,
            )
        )
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.marketing_automation_ext.models.mailing_list", "WARNING"):
            self._cron(NOW)
        self.assertIn("x_gone", broken.marketing_refresh_error)
        self.assertFalse(broken.subscription_ids, "the failed list is rolled back")
        self.assertFalse(broken.marketing_last_refresh)
        self.assertEqual(len(healthy.subscription_ids), 32)
        self.assertFalse(healthy.marketing_refresh_error)
        # not retried the same day; once repaired, the next day's run refreshes it
        self._cron(NOW + timedelta(hours=1))
        source.domain = "[]"
        self._cron(NOW + timedelta(days=1))
        self.assertTrue(broken.subscription_ids)
        self.assertFalse(broken.marketing_refresh_error)


@tagged("post_install", "-at_install")
class TestMarketingListUse(MarketingListCase):
    """What the host and campaigns do with a marketing list: they see all of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mailing_list = cls._opportunities_and_companies()
        cls.mailing_list._refresh_marketing_sources()
        cls.opted_out = cls.mailing_list.subscription_ids.filtered(
            lambda s: s.contact_id.email_normalized == "opp7@ml.test"
        )
        cls.opted_out.opt_out = True
        cls.subscribed = cls.mailing_list.subscription_ids - cls.opted_out

    def test_campaign_on_mailing_contacts_of_the_list(self):
        # mailing contacts of another list stay out
        other = self.env["mailing.list"].create({"name": "ML other"})
        self.env["mailing.contact"].create({"email": "other@ml.test", "list_ids": [(4, other.id)]})
        Campaign = self.env["marketing.automation.campaign"].with_user(self.ma_user)
        members = Campaign.create(
            {
                "name": "ML campaign on the list",
                "model_id": self.env["ir.model"]._get_id("mailing.contact"),
                "domain": repr([("list_ids", "in", self.mailing_list.ids)]),
            }
        )
        subscribed = Campaign.create(
            {
                "name": "ML campaign on the subscribed",
                "model_id": self.env["ir.model"]._get_id("mailing.contact"),
                "domain": repr(
                    [
                        (
                            "subscription_ids",
                            "any",
                            [("list_id", "in", self.mailing_list.ids), ("opt_out", "=", False)],
                        )
                    ]
                ),
            }
        )
        for campaign in members | subscribed:
            self._create_activity(campaign, "Hello")
            with self.mock_datetime_and_now(NOW):
                self._start(campaign)
        self.assertEqual(
            set(members.participant_ids.mapped("res_id")),
            set(self.mailing_list.subscription_ids.contact_id.ids),
            "every contact of the list, as the host's list_ids means",
        )
        self.assertEqual(
            set(subscribed.participant_ids.mapped("res_id")),
            set(self.subscribed.contact_id.ids),
            "the opted-out contact left out by filtering the subscriptions",
        )

    def test_host_mailing_on_the_list_sends_to_all_of_it(self):
        mailing = (
            self.env["mailing.mailing"]
            .with_user(self.list_user)
            .create(
                {
                    "subject": "ML newsletter",
                    "mailing_type": "mail",
                    "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                    "contact_list_ids": [(6, 0, self.mailing_list.ids)],
                    "body_html": "<p>Hello</p>",
                }
            )
        )
        self.assertEqual(len(mailing._get_recipients()), len(self.mailing_list.subscription_ids))
        with self.mock_mail_gateway(mail_unlink_sent=False):
            mailing.action_send_mail()
        traces = mailing.mailing_trace_ids
        sent = traces.filtered(lambda t: t.trace_status != "cancel")
        self.assertEqual(set(sent.mapped("res_id")), set(self.subscribed.contact_id.ids))
        canceled = traces - sent
        self.assertEqual(canceled.res_id, self.opted_out.contact_id.id)
        self.assertEqual(canceled.failure_type, "mail_optout")

    def test_the_host_send_and_export_take_the_whole_list(self):
        Lists = self.mailing_list.with_user(self.list_user)
        action = Lists.action_send_mailing()
        self.assertEqual(action["context"]["default_contact_list_ids"], self.mailing_list.ids)
        action = Lists.action_view_contacts()
        contacts = self.env["mailing.contact"].with_user(self.list_user).search(action["domain"])
        self.assertEqual(contacts, self.mailing_list.subscription_ids.contact_id)
        export_user = new_test_user(
            self.env,
            "ml_export_user",
            groups="mass_mailing.group_mass_mailing_user,base.group_allow_export",
        )
        rows = contacts.with_user(export_user).export_data(["email"])["datas"]
        self.assertEqual(
            {row[0] for row in rows},
            set(self.mailing_list.subscription_ids.contact_id.mapped("email")),
        )


@tagged("post_install", "-at_install", "is_query_count")
class TestMarketingListQueries(MarketingListCase):
    def _partners(self, count, prefix):
        return self.env["res.partner"].create(
            [
                {"name": f"{prefix} {index}", "email": f"{prefix}.{index}@mlq.test"}
                for index in range(count)
            ]
        )

    def _list_of(self, partners, prefix):
        return self._create_list(
            [
                ("res.partner", [("name", "=like", f"{prefix} %")], {}),
                ("crm.lead", [("email_from", "=like", f"{prefix}.%")], {}),
            ],
            name=prefix,
        )

    def _refresh(self, mailing_list):
        return mailing_list.with_user(self.list_user)._refresh_marketing_sources()

    def test_refresh_queries_do_not_grow_with_the_records(self):
        lists = {}
        for count, prefix in ((5, "warm"), (10, "few"), (100, "many"), (10000, "lots")):
            partners = self._partners(count, prefix)
            # some of them also come as opportunities' addresses: merged
            self.env["crm.lead"].create(
                [
                    {"name": p.name, "email_from": p.email.upper(), "user_id": False}
                    for p in partners[: min(count // 2, 100)]
                ]
            )
            lists[prefix] = self._list_of(partners, prefix)
        count_queries(self.env, lambda: self._refresh(lists["warm"]))
        few = count_queries(self.env, lambda: self._refresh(lists["few"]))
        many = count_queries(self.env, lambda: self._refresh(lists["many"]))
        self.assertEqual(many, few, f"{many} queries for 100 records, {few} for 10")
        lots = count_queries(self.env, lambda: self._refresh(lists["lots"]))
        _logger.info(
            "Refresh queries: %s for 10 records, %s for 100, %s for 10,000", few, many, lots
        )
        # subscriptions go in one query; the ORM inserts the new mailing contacts 100 at a
        # time (and updates their computed fields per batch): nothing per record
        self.assertLessEqual(lots, few + 3 * 100, f"{lots} queries for 10,000 records")
        self.assertEqual(len(lists["lots"].subscription_ids), 10000)
        for prefix, count in (("few", 10), ("many", 100)):
            self.assertEqual(len(lists[prefix].subscription_ids), count)
