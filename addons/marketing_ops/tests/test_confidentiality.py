from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import MarketingOpsCase


class TestConfidentiality(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insider = new_test_user(
            cls.env, "mo_insider", groups="marketing_ops.marketing_ops_group_user"
        )
        cls.outsider = new_test_user(
            cls.env, "mo_outsider", groups="marketing_ops.marketing_ops_group_user"
        )
        cls.secret_group = cls.env["res.groups"].create({"name": "Board"})
        cls.board_member = new_test_user(
            cls.env, "mo_board", groups="marketing_ops.marketing_ops_group_user"
        )
        cls.board_member.groups_id |= cls.secret_group
        cls.public = cls.create_operation("Zeta Public Fair")
        cls.secret = cls.create_operation(
            "Zeta Secret Launch",
            is_confidential=True,
            allowed_user_ids=[(6, 0, cls.insider.ids)],
            allowed_group_ids=[(6, 0, cls.secret_group.ids)],
        )
        cls.family = cls.env["marketing.operation.family"].create(
            {"name": "Zeta Mergers", "is_confidential": True, "user_ids": [(6, 0, cls.insider.ids)]}
        )
        cls.in_secret_family = cls.create_operation("Zeta Merger Briefing", family_id=cls.family.id)
        for operation in cls.public | cls.secret | cls.in_secret_family:
            step = cls.create_step(operation, f"Zeta step of {operation.name}")
            step._add_targets(cls.alice | cls.globex)

    def hidden_operations(self):
        return self.secret | self.in_secret_family

    def test_outsider_sees_nothing_of_confidential_operations(self):
        env = self.env(user=self.outsider)
        Operation, Step, Target = (
            env["marketing.operation"],
            env["marketing.operation.step"],
            env["marketing.operation.target"],
        )
        hidden = self.hidden_operations()

        self.assertEqual(Operation.search([("name", "like", "Zeta")]), self.public.with_env(env))
        self.assertEqual(
            [name for _id, name in Operation.name_search("Zeta")], ["Zeta Public Fair"]
        )
        self.assertEqual(
            Step.search([("name", "like", "Zeta")]).operation_id, self.public.with_env(env)
        )
        self.assertFalse(Step.name_search("Secret"))
        self.assertEqual(
            Target.search([("operation_id.name", "like", "Zeta")]).operation_id,
            self.public.with_env(env),
        )
        self.assertFalse(
            env["marketing.operation.target.contact"].search([("operation_id", "in", hidden.ids)])
        )

        groups = Target._read_group(
            [("operation_id.name", "like", "Zeta")], ["operation_id"], ["__count"]
        )
        self.assertEqual([(op.id, count) for op, count in groups], [(self.public.id, 2)])
        groups = Operation._read_group([("name", "like", "Zeta")], [], ["__count"])
        self.assertEqual(groups, [(1,)])
        self.assertFalse(env["marketing.operation.family"].search([("name", "=", "Zeta Mergers")]))

        for record in (
            hidden[0].with_env(env),
            hidden[0].step_ids.with_env(env),
            hidden[1].target_ids[:1].with_env(env),
        ):
            with self.assertRaises(AccessError):
                record.read(["display_name"])
        with self.assertRaises(AccessError):
            self.secret.with_env(env).write({"name": "Leaked"})

    def test_names_do_not_leak_through_campaigns_and_activities(self):
        env = self.env(user=self.outsider)
        campaigns = env["utm.campaign"].search([("title", "ilike", "Zeta")])
        self.assertEqual(campaigns.mapped("title"), ["Zeta Public Fair"])
        self.assertFalse(env["utm.campaign"].name_search("Secret"))
        self.assertFalse(env["utm.campaign"].name_search("Merger"))
        self.assertEqual(
            self.secret.utm_campaign_id.title, f"Confidential operation {self.secret.id}"
        )
        # nor its code
        self.secret.code = "SEC-1"
        self.assertEqual(
            self.secret.utm_campaign_id.title, f"Confidential operation {self.secret.id}"
        )
        self.assertNotIn("SEC", self.secret.utm_campaign_id.name)
        # made public, it lends its name again
        self.secret.is_confidential = False
        self.assertEqual(self.secret.utm_campaign_id.title, "Zeta Secret Launch")
        self.secret.is_confidential = True
        # a family made public again gives its operations their names back
        self.assertEqual(
            self.in_secret_family.utm_campaign_id.title,
            f"Confidential operation {self.in_secret_family.id}",
        )
        self.family.is_confidential = False
        self.assertEqual(self.in_secret_family.utm_campaign_id.title, "Zeta Merger Briefing")
        self.family.is_confidential = True
        self.assertIn("Confidential", self.in_secret_family.utm_campaign_id.title)
        # the activities a launch leaves on partners, seen by every user, keep the secret
        step = self.in_secret_family.step_ids
        step.write(
            {
                "event_mode": "activity",
                "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
            }
        )
        step.action_launch()
        activities = self.env["mail.activity"].search([("marketing_step_id", "=", step.id)])
        self.assertEqual(len(activities), 2, step.target_ids.mapped("state_id.name"))
        self.assertEqual(
            set(activities.with_env(env).mapped("summary")),
            {f"Confidential operation {self.in_secret_family.id}: Confidential step"},
        )

    def test_listed_users_groups_and_managers_see_them(self):
        for user, expected in (
            (self.insider, self.public | self.secret | self.in_secret_family),
            (self.board_member, self.public | self.secret),
            (self.manager, self.public | self.secret | self.in_secret_family),
        ):
            env = self.env(user=user)
            found = env["marketing.operation"].search([("name", "like", "Zeta")])
            self.assertEqual(found.ids and set(found.ids), set(expected.ids), user.login)
            self.assertEqual(
                set(
                    env["marketing.operation.target"]
                    .search([("operation_id.name", "like", "Zeta")])
                    .operation_id.ids
                ),
                set(expected.ids),
                user.login,
            )

    def test_responsible_sees_own_confidential_operation(self):
        self.secret.user_id = self.outsider
        found = (
            self.env["marketing.operation"]
            .with_user(self.outsider)
            .search([("name", "like", "Zeta Secret")])
        )
        self.assertEqual(found.id, self.secret.id)

    def test_users_do_not_write_templates(self):
        template = self.create_operation("Zeta Template", is_template=True)
        env = self.env(user=self.insider)
        self.assertEqual(template.with_env(env).name, "Zeta Template")
        with self.assertRaises(AccessError):
            template.with_env(env).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            env["marketing.operation"].create({"name": "Sneaky", "is_template": True})
