from odoo import _, api, models

DEFAULT_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
TILE_URL_PARAM = "marketing_ops.map_tile_url"
# the colour of a status's colour index, as the host's colour picker shows it
STATUS_COLORS = [
    "#6c757d",
    "#f06050",
    "#f4a460",
    "#f7cd1f",
    "#6cc1ed",
    "#814968",
    "#eb7e7f",
    "#2c8397",
    "#475577",
    "#d6145f",
    "#30c381",
    "#9365b8",
]


class MarketingOperationTarget(models.Model):
    _inherit = "marketing.operation.target"

    @api.model
    def get_map_data(self, domain):
        """What the map of targets shows: one marker per geolocated partner of the targets of
        ``domain`` (with the status of its latest target), and the partners without
        coordinates."""
        targets = self.search(domain, order="id desc")
        markers, missing, seen = [], [], set()
        for target in targets:
            partner = target.partner_id
            if partner.id in seen:
                continue
            seen.add(partner.id)
            if not (partner.partner_latitude or partner.partner_longitude):
                missing.append({"id": partner.id, "name": partner.display_name})
                continue
            markers.append(
                {
                    "id": partner.id,
                    "name": partner.display_name,
                    "city": partner.city or "",
                    "lat": partner.partner_latitude,
                    "lng": partner.partner_longitude,
                    "status": target.state_id.name,
                    "color": STATUS_COLORS[(target.state_id.color or 0) % len(STATUS_COLORS)],
                }
            )
        tile_url = self.env["ir.config_parameter"].sudo().get_param(TILE_URL_PARAM)
        return {
            "tile_url": DEFAULT_TILE_URL if tile_url is False else tile_url,
            "attribution": _("© OpenStreetMap contributors"),
            "markers": markers,
            "missing": sorted(missing, key=lambda partner: partner["name"]),
        }
