from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, users

from .common import MarketingOpsCase, assert_same_queries


class TestTargetingAndLaunch(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operation = cls.create_operation()
        cls.step = cls.create_step(cls.operation, "Prospecting email")

    def targeting(self, **values):
        return self.env["marketing.operation.step.targeting"].create(
            {"step_id": self.step.id, **values}
        )

    @users("mo_test_user")
    def test_add_by_partner_filter_brings_companies_and_contacts(self):
        wizard = self.targeting(filter_domain=f"[('id', 'in', {(self.alice | self.globex).ids})]")
        self.assertEqual(wizard.partner_count, 2)
        wizard.action_apply()
        self.assertEqual(self.targets_of(self.step), {self.acme: {self.alice}, self.globex: set()})
        self.assertIn("2 partners added", wizard.result)
        # again, with Bob: Acme is completed, nothing is duplicated
        self.targeting(
            filter_domain=f"[('id', 'in', {(self.bob | self.globex).ids})]"
        ).action_apply()
        self.assertEqual(
            self.targets_of(self.step), {self.acme: {self.alice, self.bob}, self.globex: set()}
        )
        self.assertEqual(len(self.step.target_ids), 2)
        self.assertTrue(all(t.state_id == self.state_todo for t in self.step.target_ids))

    @users("mo_test_user")
    def test_add_partners_of_leads(self):
        self.env["crm.lead"].sudo().create(
            [
                {"name": "Lead Globex", "partner_id": self.globex.id, "type": "lead"},
                {"name": "Lead Alice", "partner_id": self.alice.id, "type": "opportunity"},
                {"name": "Lead without partner", "type": "lead"},
            ]
        )
        wizard = self.targeting(source="lead", filter_domain="[('name', 'like', 'Lead ')]")
        wizard.action_apply()
        self.assertEqual(self.targets_of(self.step), {self.globex: set(), self.acme: {self.alice}})

    @users("mo_test_user")
    def test_partners_found_are_counted_without_loading_them(self):
        self.env["crm.lead"].sudo().create(
            [
                {"name": "Lead Globex", "partner_id": self.globex.id, "type": "lead"},
                {"name": "Lead Globex again", "partner_id": self.globex.id, "type": "lead"},
                {"name": "Lead Alice", "partner_id": self.alice.id, "type": "opportunity"},
                {"name": "Lead without partner", "type": "lead"},
            ]
        )
        other_step = self.create_step(self.create_operation("Last year"), "Invitation")
        other_step.sudo()._add_targets(self.alice | self.bob | self.globex | self.solo)
        other_step.sudo().target_ids.filtered(
            lambda t: t.partner_id == self.globex
        ).state_id = self.state_ok
        companies = "[('name', 'in', ('Acme Test', 'Globex Test'))]"
        for values, count in (
            ({"filter_domain": companies}, 2),
            ({"source": "lead", "filter_domain": "[('name', 'like', 'Lead ')]"}, 2),
            ({"source": "step", "source_step_id": other_step.id}, 5),
            ({"source": "step", "source_step_id": other_step.id, "only_processed": True}, 1),
        ):
            with self.subTest(**values):
                wizard = self.targeting(**values)
                self.assertEqual(wizard.partner_count, count)
                self.assertEqual(len(wizard._get_partners()), count)

        many = (
            self.env["res.partner"]
            .sudo()
            .create([{"name": f"Zeta Count {i}", "is_company": True} for i in range(60)])
        )
        wizards = {}
        for size in (2, 60):
            step = self.create_step(self.create_operation(f"Zeta {size}"), "Mailing")
            step.sudo()._add_targets(many[:size])
            wizards[size] = (
                self.targeting(filter_domain=f"[('id', 'in', {many[:size].ids})]"),
                self.targeting(source="step", source_step_id=step.id),
            )

        def count(both):
            self.assertEqual(both[0].partner_count, both[1].partner_count)

        assert_same_queries(self, count, wizards[2], wizards[60], warm=wizards[2])
        self.assertEqual(wizards[60][0].partner_count, 60)

    def test_kinds_not_targeted_are_refused(self):
        self.operation.write({"target_individuals": False})
        new, refused = self.step._add_targets(self.solo | self.globex)
        self.assertEqual(new.partner_id, self.globex)
        self.assertEqual(list(refused), [self.solo])
        self.assertIn("does not target individuals", refused[self.solo])
        tag = self.env["res.partner.category"].create({"name": "VIP"})
        self.operation.write({"target_category_ids": [(6, 0, tag.ids)], "target_individuals": True})
        new, refused = self.step._add_targets(self.acme)
        self.assertFalse(new)
        self.assertIn("none of the tags", refused[self.acme])
        with self.assertRaisesRegex(ValidationError, "companies, individuals or both"):
            self.operation.target_companies = self.operation.target_individuals = False

    def test_copy_targets_from_a_step_of_another_operation(self):
        other_step = self.create_step(self.create_operation("Last year"), "Invitation")
        other_step._add_targets(self.alice | self.globex | self.solo)
        other_step.target_ids.filtered(
            lambda t: t.partner_id == self.globex
        ).state_id = self.state_ok
        other_step.target_ids.filtered(
            lambda t: t.partner_id == self.solo
        ).state_id = self.state_skipped
        self.targeting(
            source="step", source_step_id=other_step.id, only_processed=True
        ).action_apply()
        self.assertEqual(self.targets_of(self.step), {self.globex: set(), self.solo: set()})
        self.targeting(source="step", source_step_id=other_step.id).action_apply()
        self.assertEqual(
            self.targets_of(self.step),
            {self.globex: set(), self.solo: set(), self.acme: {self.alice}},
        )

    def test_only_final_steps_take_targets(self):
        group = self.create_step(self.operation, "Group", final=False)
        with self.assertRaisesRegex(UserError, "only final steps"):
            group._add_targets(self.globex)

    @users("mo_test_user")
    def test_launch_all_targets_then_offer_to_close(self):
        step = self.mine(self.step)
        step._add_targets(self.alice | self.bob | self.globex)
        action = step.action_launch()
        self.assertEqual(set(step.target_ids.state_id), {self.state_ok})
        self.assertEqual(set(step.target_ids.contact_ids.state_id), {self.state_ok})
        self.assertEqual(action["res_model"], "marketing.operation.step.close")
        close = (
            self.env["marketing.operation.step.close"].with_context(action["context"]).create({})
        )
        close.action_set_done()
        self.assertEqual(step.state_id.kind, "done")
        self.assertTrue(step.date_done)
        with self.assertRaisesRegex(UserError, "no target left"):
            step.action_launch()

    @users("mo_test_user")
    def test_launch_as_another_user_fails_a_test_run_as_a_user(self):
        """The guard of MarketingOpsCase: a launch in a test run as a user, made as the
        superuser or as someone else, fails the test; made as the user, it passes."""
        self.step.sudo()._add_targets(self.globex)
        for step in (self.step.sudo(), self.step, self.step.with_user(self.manager)):
            with self.subTest(uid=step.env.uid, su=step.env.su):
                with self.assertRaises(self.failureException):
                    step.action_launch()
        self.mine(self.step).action_launch()
        self.assertEqual(self.step.target_ids.state_id, self.state_ok)

    @users("mo_test_user")
    def test_launch_for_one_partner_moves_its_contacts(self):
        step = self.mine(self.step)
        step._add_targets(self.alice | self.bob | self.globex)
        acme = step.target_ids.filtered(lambda t: t.partner_id == self.acme)
        result = acme.action_launch()
        self.assertEqual(acme.state_id, self.state_ok)
        self.assertEqual(set(acme.contact_ids.state_id), {self.state_ok})
        globex = step.target_ids - acme
        self.assertEqual(globex.state_id, self.state_todo)
        self.assertIs(result, True)  # Globex is still to process: no offer to close
        self.assertEqual(globex.action_launch()["res_model"], "marketing.operation.step.close")

    @users("mo_test_user")
    def test_launch_for_one_contact_partner_follows_last(self):
        step = self.mine(self.step)
        step._add_targets(self.alice | self.bob)
        acme = step.target_ids
        alice, bob = (
            acme.contact_ids.filtered(lambda c, p=p: c.partner_id == p)
            for p in (self.alice, self.bob)
        )
        alice.action_launch()
        self.assertEqual(alice.state_id, self.state_ok)
        self.assertEqual(bob.state_id, self.state_todo)
        self.assertEqual(acme.state_id, self.state_todo)
        action = bob.action_launch()
        self.assertEqual(acme.state_id, self.state_ok)
        self.assertEqual(action["res_model"], "marketing.operation.step.close")

    def test_launch_generates_one_meeting_per_partner(self):
        tag = self.env["calendar.event.type"].create({"name": "Trade show visit"})
        self.step.write({"event_mode": "meeting", "event_type_id": tag.id, "duration": 2.0})
        self.step._add_targets(self.alice | self.bob | self.globex)
        self.step.action_launch()
        events = self.env["calendar.event"].search([("marketing_step_id", "=", self.step.id)])
        self.assertEqual(len(events), 2)
        acme_event = self.step.target_ids.filtered(lambda t: t.partner_id == self.acme).event_id
        self.assertEqual(set(acme_event.partner_ids), {self.acme, self.alice, self.bob})
        self.assertEqual(acme_event.categ_ids, tag)
        self.assertEqual(acme_event.duration, 2.0)
        self.assertEqual(self.operation.event_count, 2)

    def test_launch_generates_one_activity_per_partner(self):
        call = self.env.ref("mail.mail_activity_data_call")
        self.step.write(
            {"event_mode": "activity", "activity_type_id": call.id, "user_id": self.user.id}
        )
        self.step._add_targets(self.globex | self.solo)
        self.step.action_launch()
        activities = self.env["mail.activity"].search([("marketing_step_id", "=", self.step.id)])
        self.assertEqual(set(activities.mapped("res_id")), {self.globex.id, self.solo.id})
        self.assertEqual(set(activities.user_id), {self.user})
        self.assertEqual(self.operation.generated_activity_count, 2)

    def test_marketing_user_launch_generates_events(self):
        marketer = new_test_user(
            self.env, "mo_marketer", groups="marketing_ops.marketing_ops_group_user"
        )
        call = self.env.ref("mail.mail_activity_data_call")
        self.step.write(
            {"event_mode": "activity", "activity_type_id": call.id, "user_id": marketer.id}
        )
        self.step._add_targets(self.globex | self.solo)
        self.step.with_user(marketer).action_launch()
        activities = self.env["mail.activity"].search([("marketing_step_id", "=", self.step.id)])
        self.assertEqual(set(activities.mapped("res_id")), {self.globex.id, self.solo.id})
        self.assertEqual(set(self.step.target_ids.state_id.mapped("kind")), {"ok"})
        meeting_step = self.create_step(self.operation, "Visit")
        meeting_step.write({"event_mode": "meeting", "user_id": marketer.id})
        meeting_step._add_targets(self.globex)
        meeting_step.with_user(marketer).action_launch()
        self.assertEqual(len(meeting_step.target_ids.event_id), 1)

    @users("mo_test_user")
    def test_partner_shows_its_targets(self):
        step = self.mine(self.step)
        step._add_targets(self.globex)
        self.create_step(self.create_operation("Other"), "Call")._add_targets(self.globex)
        globex = self.globex.with_user(self.env.user)
        self.assertEqual(globex.marketing_target_count, 2)
        action = globex.action_view_marketing_targets()
        self.assertEqual(self.env["marketing.operation.target"].search_count(action["domain"]), 2)
