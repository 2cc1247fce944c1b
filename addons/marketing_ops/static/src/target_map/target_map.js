/** @odoo-module */

import { Component, onMounted, onWillStart, onWillUnmount, useRef, useState } from "@odoo/owl";
import { loadCSS, loadJS } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const LEAFLET = "/marketing_ops/static/lib/leaflet";

/**
 * Map of the partners targeted by a step or an operation: one marker per geolocated partner,
 * coloured by its status; the partners without coordinates are listed beside the map.
 */
export class MarketingTargetMap extends Component {
    static template = "marketing_ops.TargetMap";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.mapRef = useRef("map");
        this.state = useState({ markers: [], missing: [] });
        onWillStart(async () => {
            await Promise.all([loadJS(`${LEAFLET}/leaflet.js`), loadCSS(`${LEAFLET}/leaflet.css`)]);
            const domain = this.props.action.params?.domain || [];
            const data = await this.orm.call("marketing.operation.target", "get_map_data", [domain]);
            this.data = data;
            Object.assign(this.state, { markers: data.markers, missing: data.missing });
        });
        onMounted(() => this.renderMap());
        onWillUnmount(() => this.map?.remove());
    }

    renderMap() {
        const L = window.L;
        this.map = L.map(this.mapRef.el, { zoomControl: true });
        if (this.data.tile_url) {
            L.tileLayer(this.data.tile_url, {
                maxZoom: 19,
                attribution: this.data.attribution,
            }).addTo(this.map);
        }
        const points = [];
        for (const marker of this.data.markers) {
            const point = [marker.lat, marker.lng];
            points.push(point);
            L.circleMarker(point, {
                radius: 9,
                color: "#333333",
                weight: 1,
                fillColor: marker.color,
                fillOpacity: 0.9,
                className: "o_marketing_map_marker",
            })
                .bindTooltip(`${marker.name} (${marker.status})`)
                .on("click", () => this.openPartner(marker.id))
                .addTo(this.map);
        }
        if (points.length) {
            this.map.fitBounds(points, { padding: [40, 40], maxZoom: 14 });
        } else {
            this.map.setView([46.5, 2.5], 4);
        }
    }

    openPartner(partnerId) {
        this.action.doAction({
            type: "ir.actions.act_window",
            res_model: "res.partner",
            res_id: partnerId,
            views: [[false, "form"]],
        });
    }

    get missingTitle() {
        return _t("Without coordinates");
    }
}

registry.category("actions").add("marketing_ops.target_map", MarketingTargetMap);
