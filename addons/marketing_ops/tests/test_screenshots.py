from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from .screenshots import ScreenshotCase
from .test_document_mailing import make_letter

COMPANIES = [
    ("TS-ACME", "Acme Furniture", "12 rue du Faubourg", "69002", "Lyon", "+33 4 72 10 20 30"),
    ("TS-GLOBEX", "Globex Interiors", "8 quai de la Fosse", "44000", "Nantes", "+33 2 40 11 22 33"),
    ("TS-INITECH", "Initech Office", "25 avenue Foch", "75116", "Paris", "+33 1 45 00 12 12"),
    ("TS-UMBRELLA", "Umbrella Retail", "3 place Bellecour", "69002", "Lyon", "+33 4 78 42 42 42"),
    ("TS-STARK", "Stark Workspace", "40 rue Nationale", "59800", "Lille", "+33 3 20 55 66 77"),
    ("TS-WAYNE", "Wayne Design", "17 cours Mirabeau", "13100", "Aix", "+33 4 42 26 26 26"),
    ("TS-HOOLI", "Hooli Offices", "5 allée Jean Jaurès", "31000", "Toulouse", "+33 5 61 62 63 64"),
    ("TS-VANDELAY", "Vandelay Import", "9 rue Sainte", "13001", "Marseille", "+33 4 91 33 44 55"),
    (
        "TS-SOYLENT",
        "Soylent Catering",
        "2 rue de la Paix",
        "67000",
        "Strasbourg",
        "+33 3 88 12 34 56",
    ),
]
BUYERS = ["Claire Dubois", "Marc Laurent", "Sophie Bernard", "Luc Moreau", "Emma Petit",
          "Hugo Lefèvre", "Léa Garnier", "Paul Roux", "Chloé Fournier"]  # fmt: skip


class TradeShowData:
    """A trade show such as a marketing user prepares it: categories, the six steps and their
    tree, prospects with their buyers, targets in several statuses, costs on its account."""

    @classmethod
    def build_trade_show(cls, user):
        env = cls.env
        france = env.ref("base.fr")
        cls.prospects = env["res.partner"].create(
            [
                {
                    "name": name,
                    "ref": ref,
                    "is_company": True,
                    "street": street,
                    "zip": zip_code,
                    "city": city,
                    "country_id": france.id,
                    "phone": phone,
                    "email": f"contact@{ref[3:].lower()}.example.com",
                    "child_ids": [
                        Command.create(
                            {
                                "name": buyer,
                                "function": "Purchasing manager",
                                "email": f"{buyer.split()[0].lower()}@{ref[3:].lower()}.example.com",
                                "mobile": phone.replace(" 1", " 6", 1),
                            }
                        )
                    ],
                }
                for (ref, name, street, zip_code, city, phone), buyer in zip(
                    COMPANIES, BUYERS, strict=True
                )
            ]
        )
        shows = env["marketing.operation.category"].create({"name": "Trade shows"})
        paris = env["marketing.operation.category"].create(
            {"name": "Trade shows in Paris", "parent_id": shows.id}
        )
        plan = env["account.analytic.plan"].create({"name": "Marketing"})
        account = env["account.analytic.account"].create(
            {"name": "ERP Show 2026", "plan_id": plan.id}
        )
        env["account.analytic.line"].create(
            [
                {"name": "Booth rental", "auto_account_id": account.id, "amount": -3200.0},
                {"name": "Catalogue printing", "auto_account_id": account.id, "amount": -1450.0},
                {"name": "Hostesses", "auto_account_id": account.id, "amount": -900.0},
            ]
        )
        cls.questionnaire = env["survey.survey"].create(
            {
                "title": "Trade show qualification",
                "access_mode": "token",
                "question_and_page_ids": [
                    Command.create(
                        {
                            "title": "Do you want our catalogue?",
                            "question_type": "simple_choice",
                            "suggested_answer_ids": [
                                Command.create({"value": "Yes"}),
                                Command.create({"value": "No"}),
                            ],
                        }
                    )
                ],
            }
        )
        start = datetime.combine(fields.Date.today() + timedelta(days=20), datetime.min.time())
        cls.operation = (
            env["marketing.operation"]
            .with_user(user)
            .create(
                {
                    "name": "ERP Show 2026",
                    "code": "ERPSHOW26",
                    "category_id": paris.id,
                    "state_id": env.ref("marketing_ops.marketing_operation_state_progress").id,
                    "location": "Paris Expo, Porte de Versailles",
                    "date_start": start + timedelta(hours=8),
                    "date_end": start + timedelta(days=2, hours=18),
                    "user_id": user.id,
                    "analytic_account_id": account.id,
                    "budget": 8000.0,
                    "expected_revenue": 40000.0,
                    "target_size": len(cls.prospects),
                    "target_description": "Office furniture buyers of the companies we met last year.",
                }
            )
        )
        Step = env["marketing.operation.step"].with_user(user)

        def step(name, sequence, step_type=None, parent=None, **values):
            return Step.create(
                {
                    "operation_id": cls.operation.id,
                    "name": name,
                    "sequence": sequence,
                    "is_final": bool(step_type),
                    "step_type_id": step_type
                    and env.ref(f"marketing_ops.marketing_step_type_{step_type}").id,
                    "parent_id": parent and parent.id,
                    **values,
                }
            )

        days = [start - timedelta(days=offset) for offset in (18, 14, 10, 7, 4, 1)]
        cls.steps = {
            "email": step("Prospecting email", 10, "emailing", date_planned=days[0]),
            "call": step(
                "Phone call with questionnaire",
                20,
                "phoning",
                date_planned=days[1],
                survey_id=cls.questionnaire.id,
            ),
        }
        catalogue = step("Catalogue", 30)
        cls.steps.update(
            labels=step(
                "Catalogue labels",
                31,
                "label_mailing",
                parent=catalogue,
                date_planned=days[2],
                label_format_id=env.ref("marketing_ops.marketing_label_format_a4_3x7").id,
            ),
            letter=step(
                "Catalogue letter",
                32,
                "document_mailing",
                parent=catalogue,
                date_planned=days[2],
                document_template=make_letter(["partner__name", "operation__name"]),
                document_template_name="catalogue.docx",
            ),
            reminder=step(
                "Phone reminder and appointment",
                40,
                "phoning",
                date_planned=days[3],
                survey_id=cls.questionnaire.id,
            ),
            confirmation=step("Confirmation email", 50, "emailing", date_planned=days[4]),
            satisfaction=step("Satisfaction survey", 60, "other", date_planned=days[5]),
        )
        states = {
            kind: env.ref(f"marketing_ops.marketing_target_state_{kind}")
            for kind in ("todo", "ok", "responded", "skipped")
        }
        for key, statuses in (
            ("email", ["ok"] * 8 + ["skipped"]),
            ("call", ["responded", "responded", "ok", "responded", "ok"] + ["todo"] * 4),
            ("labels", ["ok"] * 6 + ["todo"] * 3),
            ("letter", ["ok", "ok", "todo"]),
            ("reminder", ["todo", "todo"]),
        ):
            targets, _refused = cls.steps[key]._add_targets(cls.prospects[: len(statuses)])
            for target, status in zip(targets, statuses, strict=True):
                target.state_id = states[status]
        done = env.ref("marketing_ops.marketing_operation_state_done")
        cls.steps["email"].write({"state_id": done.id, "date_done": days[0]})
        return cls.operation


@tagged("-standard", "screenshots", "post_install", "-at_install")
class TestMarketingOpsScreenshots(ScreenshotCase, TradeShowData):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = (
            "marketing_ops.marketing_ops_group_manager,sales_team.group_sale_salesman,"
            "survey.group_survey_user"
        )
        cls.marketer = new_test_user(cls.env, "shots_marketer", groups=groups, name="Julie Martin")
        cls.sellers = [
            new_test_user(cls.env, login, groups=groups, name=name)
            for login, name in (("shots_ann", "Ann Walker"), ("shots_ben", "Ben Carter"))
        ]
        cls.build_trade_show(cls.marketer)

    def test_operation_form(self):
        self.screenshot(
            "operation_form",
            f"/odoo/action-marketing_ops.marketing_operation_action/{self.operation.id}",
            ".o_form_view .o_field_widget[name=step_ids] .o_data_row",
            login="shots_marketer",
        )

    def test_call_session(self):
        call = self.steps["call"].with_user(self.marketer)
        session = self.env["marketing.operation.call.session"].browse(
            call.action_start_calls()["res_id"]
        )
        session.action_start()
        self.screenshot(
            "call_session",
            f"/odoo/marketing.operation.call.session/{session.id}",
            ".o_form_view .o_field_widget[name=partner_phone]",
            login="shots_marketer",
        )

    def test_label_sheet(self):
        self.screenshot(
            "label_sheet",
            f"/report/html/marketing_ops.report_marketing_label/{self.steps['labels'].id}",
            ".o_marketing_label",
            login="shots_marketer",
            # the sheet as it prints, on a grey desk, its labels outlined as on the paper
            style="html, body { background: #d9d9d9 !important; }"
            ".o_marketing_label_sheet { zoom: 0.85 !important; margin: 24px auto !important;"
            " background: #fff; box-shadow: 0 2px 12px rgba(0, 0, 0, 0.35); }"
            ".o_marketing_label { outline: 1px dashed #bbb; }",
            full_page=True,
        )

    def test_daily_activity_report(self):
        partners = self.prospects
        kinds = {
            "call": self.env.ref("mail.mail_activity_data_call"),
            "email": self.env.ref("mail.mail_activity_data_email"),
        }
        today = fields.Date.today()
        plan = {
            self.sellers[0]: [(4, "call", 5), (3, "email", 2), (2, "call", 7), (1, "email", 3)],
            self.sellers[1]: [(4, "email", 4), (3, "call", 6), (2, "email", 1), (1, "call", 4)],
        }
        for user, days in plan.items():
            for days_ago, kind, count in days:
                day = today - timedelta(days=days_ago)
                with freeze_time(datetime(day.year, day.month, day.day, 10, 0)):
                    for index in range(count):
                        activity = self.env["mail.activity"].create(
                            {
                                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                                "res_id": partners[index % len(partners)].id,
                                "activity_type_id": kinds[kind].id,
                                "user_id": user.id,
                                "marketing_step_id": self.steps["call"].id,
                            }
                        )
                        activity.with_user(user).action_feedback(feedback="Done")
                start = datetime(day.year, day.month, day.day, 14, 0)
                self.env["calendar.event"].create(
                    {
                        "name": "Showroom visit",
                        "start": start,
                        "stop": start + timedelta(hours=1),
                        "user_id": user.id,
                        "partner_ids": [Command.set(partners[:1].ids)],
                    }
                )
        self.screenshot(
            "daily_activity_report",
            "/odoo/action-marketing_ops.marketing_activity_report_action",
            ".o_pivot table tbody tr",
            login="shots_marketer",
        )
