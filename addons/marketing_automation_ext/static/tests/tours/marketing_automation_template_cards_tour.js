/** @odoo-module */

import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function checkSixCards() {
    const cards = document.querySelectorAll(".o_ma_template_helper .o_ma_template_card");
    if (cards.length !== 6) {
        throw new Error(`Expected the six template cards, found ${cards.length}`);
    }
}

// With no campaign, the campaigns screen shows the six template cards; one click on a card creates
// its campaign and opens it; a search that finds no campaign shows the cards again, in the kanban
// and in the list.
registry.category("web_tour.tours").add("marketing_automation_template_cards_tour", {
    url: "/odoo",
    steps: () => [
        ...stepUtils.goToAppSteps("mass_mailing.marketing_suite_menu_root"),
        {
            trigger:
                'button[data-menu-xmlid="marketing_automation_ext.marketing_automation_ext_menu_automation"]',
            run: "click",
        },
        {
            trigger: 'a[data-menu-xmlid="marketing_automation_ext.marketing_automation_campaign_menu"]',
            run: "click",
        },
        {
            content: "no campaign: the six template cards",
            trigger: ".o_kanban_view .o_ma_template_card:contains(Prioritise hot leads)",
            run: checkSixCards,
        },
        {
            trigger: ".o_ma_template_card:contains(Welcome flow) button[name=action_create_campaign]",
            run: "click",
        },
        {
            content: "the new campaign's form, with its workflow",
            trigger: ".o_form_view .o_field_widget[name=activity_ids] .o_kanban_record:contains(Welcome email)",
            run() {
                const name = document.querySelector(".o_form_view .o_field_widget[name=name] input");
                if (name.value !== "Welcome flow") {
                    throw new Error(`Expected the campaign "Welcome flow", found "${name.value}"`);
                }
            },
        },
        {
            trigger: ".o_breadcrumb .o_back_button",
            run: "click",
        },
        {
            content: "one campaign now: its card, no template cards",
            trigger: ".o_kanban_view:not(:has(.o_ma_template_helper)) .o_kanban_record:contains(Welcome flow)",
        },
        {
            trigger: ".o_searchview_input",
            run: "edit No such campaign",
        },
        {
            trigger: ".o_searchview_input",
            run: "press Enter",
        },
        {
            content: "a search without result: the template cards again",
            trigger: ".o_kanban_view .o_ma_template_card:contains(Tag hot contacts)",
            run: checkSixCards,
        },
        {
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "the list shows them too",
            trigger: ".o_list_view .o_ma_template_card:contains(Tag hot contacts)",
            run: checkSixCards,
        },
    ],
});
