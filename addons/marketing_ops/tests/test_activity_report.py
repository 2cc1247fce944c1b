from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import new_test_user, users

from .common import MarketingOpsCase


class TestActivityReport(MarketingOpsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "marketing_ops.marketing_ops_group_user,sales_team.group_sale_salesman"
        cls.ann = new_test_user(cls.env, "dart_ann", groups=groups, name="Ann")
        cls.ben = new_test_user(cls.env, "dart_ben", groups=groups, name="Ben")
        cls.call = cls.env.ref("mail.mail_activity_data_call")
        cls.email = cls.env.ref("mail.mail_activity_data_email")
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.operation = cls.create_operation("DART fair")
        cls.step = cls.create_step(cls.operation, "Calls")
        cls.other_operation = cls.create_operation("Other fair")

    def do_activity(self, user, activity_type, day, step=None):
        env = self.env(su=True)  # a fixture, whoever the test runs as
        with freeze_time(datetime(2026, 5, day, 10, 0)):
            activity = env["mail.activity"].create(
                {
                    "res_model_id": env["ir.model"]._get_id("res.partner"),
                    "res_id": self.globex.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "marketing_step_id": step.id if step else False,
                }
            )
            activity.with_user(user).action_feedback(feedback="Done")

    def meet(self, user, day):
        self.env["calendar.event"].create(
            {
                "name": "Visit",
                "start": datetime(2026, 5, day, 14, 0),
                "stop": datetime(2026, 5, day, 15, 0),
                "user_id": user.id,
                "partner_ids": [(6, 0, self.globex.ids)],
            }
        )

    def report(self, domain=()):
        rows = self.env["marketing.activity.report"]._read_group(
            [("user_id", "in", (self.ann | self.ben).ids), *domain],
            ["user_id", "date:day"],
            ["call_count:sum", "email_count:sum", "meeting_count:sum", "other_count:sum"],
        )
        return {
            (user.name, day.date() if isinstance(day, datetime) else day): tuple(counts)
            for user, day, *counts in rows
        }

    def test_counts_per_salesperson_and_day(self):
        # Ann: day 1 two calls and an email, day 2 a meeting, day 3 a to-do
        self.do_activity(self.ann, self.call, 1, self.step)
        self.do_activity(self.ann, self.call, 1)
        self.do_activity(self.ann, self.email, 1, self.step)
        self.meet(self.ann, 2)
        self.do_activity(self.ann, self.todo, 3)
        # Ben: day 2 an email, day 3 a call and two meetings
        self.do_activity(self.ben, self.email, 2)
        self.do_activity(self.ben, self.call, 3, self.step)
        self.meet(self.ben, 3)
        self.meet(self.ben, 3)
        # an activity still to do counts nothing
        self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.globex.id,
                "activity_type_id": self.call.id,
                "user_id": self.ann.id,
            }
        )
        self.env.flush_all()
        self.assertEqual(
            self.report(),
            {
                ("Ann", date(2026, 5, 1)): (2, 1, 0, 0),
                ("Ann", date(2026, 5, 2)): (0, 0, 1, 0),
                ("Ann", date(2026, 5, 3)): (0, 0, 0, 1),
                ("Ben", date(2026, 5, 2)): (0, 1, 0, 0),
                ("Ben", date(2026, 5, 3)): (1, 0, 2, 0),
            },
        )
        # the activities of the step's operation only
        self.assertEqual(
            self.report([("operation_id", "=", self.operation.id)]),
            {
                ("Ann", date(2026, 5, 1)): (1, 1, 0, 0),
                ("Ben", date(2026, 5, 3)): (1, 0, 0, 0),
            },
        )
        self.assertFalse(self.report([("operation_id", "=", self.other_operation.id)]))

    @users("mo_test_user")
    def test_readable_by_a_marketing_user(self):
        """A marketing user reads the report's rows and figures, Ann's two calls of the day."""
        self.do_activity(self.ann, self.call, 4, self.step)
        self.do_activity(self.ann, self.call, 4)
        self.env.flush_all()
        self.assertFalse(self.env.su)
        self.assertEqual(self.env.user.login, "mo_test_user")
        rows = self.env["marketing.activity.report"].search([("user_id", "=", self.ann.id)])
        self.assertEqual(sum(rows.mapped("activity_count")), 2)
        self.assertEqual(sum(rows.mapped("call_count")), 2)
        self.assertEqual(self.report(), {("Ann", date(2026, 5, 4)): (2, 0, 0, 0)})

    def test_confidential_operations_to_their_users_only(self):
        """The rows of a confidential operation are seen by its allowed users and the Managers
        only, in lists as in groups by operation."""
        secret = self.create_operation(
            "DART secret merger", is_confidential=True, allowed_user_ids=[(6, 0, self.ann.ids)]
        )
        secret_step = self.create_step(secret, "Secret calls")
        self.do_activity(self.ann, self.call, 1, secret_step)
        self.do_activity(self.ann, self.call, 2, secret_step)
        self.do_activity(self.ann, self.email, 2, self.step)
        self.do_activity(self.ann, self.todo, 3)
        self.env.flush_all()

        def seen_by(user):
            Report = self.env["marketing.activity.report"].with_user(user)
            domain = [("user_id", "=", self.ann.id)]
            groups = Report._read_group(domain, ["operation_id"], ["activity_count:sum"])
            return (
                len(Report.search(domain)),
                len(Report.search([("operation_id", "=", secret.id)])),
                {operation.display_name: count for operation, count in groups},
            )

        self.assertEqual(
            seen_by(self.ben), (2, 0, {"DART fair": 1, False: 1}), "the outsider sees no secret"
        )
        everything = (4, 2, {"DART secret merger": 2, "DART fair": 1, False: 1})
        self.assertEqual(seen_by(self.ann), everything)
        self.assertEqual(seen_by(self.manager), everything)
