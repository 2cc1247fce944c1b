/** @odoo-module */

import { registry } from "@web/core/registry";

// A marketing user opens the map of a step from its form: one marker per geolocated target,
// the partner without coordinates listed beside the map.
registry.category("web_tour.tours").add("marketing_ops_target_map_tour", {
    steps: () => [
        {
            trigger: ".o_form_view .o_statusbar_buttons button[name=action_open_map]",
            run: "click",
        },
        {
            trigger: ".o_marketing_target_map[data-marker-count='3'] path.o_marketing_map_marker",
        },
        {
            trigger: ".o_marketing_target_map_missing:contains(Map Nowhere)",
            run() {
                const markers = document.querySelectorAll(
                    ".o_marketing_target_map path.o_marketing_map_marker"
                ).length;
                if (markers !== 3) {
                    throw new Error(`3 markers expected on the map, ${markers} found`);
                }
            },
        },
    ],
});
