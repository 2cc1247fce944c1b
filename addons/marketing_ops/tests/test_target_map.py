from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTargetMap(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env,
            "mo_map_user",
            groups="marketing_ops.marketing_ops_group_user",
            password="mo_map_user",
        )
        operation = cls.env["marketing.operation"].create({"name": "Map fair"})
        cls.step = cls.env["marketing.operation.step"].create(
            {
                "operation_id": operation.id,
                "name": "Map visits",
                "step_type_id": cls.env.ref("marketing_ops.marketing_step_type_other").id,
            }
        )
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": "Map Lyon",
                    "is_company": True,
                    "partner_latitude": 45.764,
                    "partner_longitude": 4.8357,
                },
                {
                    "name": "Map Paris",
                    "is_company": True,
                    "partner_latitude": 48.8566,
                    "partner_longitude": 2.3522,
                },
                {
                    "name": "Map Gent",
                    "is_company": True,
                    "partner_latitude": 51.0543,
                    "partner_longitude": 3.7174,
                },
                {"name": "Map Nowhere", "is_company": True},
            ]
        )
        cls.step._add_targets(partners)
        cls.partners = partners

    def test_map_data(self):
        data = (
            self.env["marketing.operation.target"]
            .with_user(self.user)
            .get_map_data([("step_id", "=", self.step.id)])
        )
        self.assertEqual(
            sorted(marker["name"] for marker in data["markers"]),
            ["Map Gent", "Map Lyon", "Map Paris"],
        )
        self.assertEqual([partner["name"] for partner in data["missing"]], ["Map Nowhere"])
        self.assertEqual(data["tile_url"], "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
        self.env["ir.config_parameter"].set_param(
            "marketing_ops.map_tile_url", "https://tiles.intranet/{z}/{x}/{y}.png"
        )
        data = self.env["marketing.operation.target"].with_user(self.user).get_map_data([])
        self.assertEqual(data["tile_url"], "https://tiles.intranet/{z}/{x}/{y}.png")

    def test_map_tour_shows_three_markers(self):
        # the browser of the tests reaches no tile server: tiles from this server
        self.env["ir.config_parameter"].set_param(
            "marketing_ops.map_tile_url",
            "/marketing_ops/static/lib/leaflet/images/layers.png?{z}/{x}/{y}",
        )
        self.start_tour(
            f"/odoo/action-marketing_ops.marketing_operation_step_action/{self.step.id}",
            "marketing_ops_target_map_tour",
            login="mo_map_user",
        )

    def test_tile_server_is_a_setting(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            settings.marketing_map_tile_url, "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
        )
        settings.marketing_map_tile_url = "https://tiles.intranet/{z}/{x}/{y}.png"
        settings.execute()
        data = self.env["marketing.operation.target"].with_user(self.user).get_map_data([])
        self.assertEqual(data["tile_url"], "https://tiles.intranet/{z}/{x}/{y}.png")

    def test_map_of_a_confidential_operation(self):
        """A user who may not read a confidential operation gets none of its partners, nor its
        map."""
        outsider = new_test_user(
            self.env, "mo_map_outsider", groups="marketing_ops.marketing_ops_group_user"
        )
        operation = self.step.operation_id
        operation.write({"is_confidential": True, "allowed_user_ids": [(6, 0, self.user.ids)]})
        Target = self.env["marketing.operation.target"]
        for domain in ([("step_id", "=", self.step.id)], [("operation_id", "=", operation.id)]):
            data = Target.with_user(outsider).get_map_data(domain)
            self.assertFalse(data["markers"] or data["missing"])
            data = Target.with_user(self.user).get_map_data(domain)
            self.assertEqual(len(data["markers"]), 3)
        for record in (operation, self.step):
            with self.assertRaises(AccessError):
                record.with_user(outsider).action_open_map()
        self.assertEqual(len(operation.with_user(self.user).action_open_map()["params"]), 1)
