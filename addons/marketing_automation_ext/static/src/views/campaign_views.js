import { registry } from "@web/core/registry";
import { kanbanView } from "@web/views/kanban/kanban_view";
import { KanbanRenderer } from "@web/views/kanban/kanban_renderer";
import { listView } from "@web/views/list/list_view";
import { ListRenderer } from "@web/views/list/list_renderer";
import { CampaignTemplateHelper } from "./campaign_template_helper";

// The campaign kanban and list: when the search returns nothing, the template cards.

export class CampaignKanbanRenderer extends KanbanRenderer {
    static template = "marketing_automation_ext.CampaignKanbanRenderer";
    static components = { ...KanbanRenderer.components, CampaignTemplateHelper };
}

export class CampaignListRenderer extends ListRenderer {
    static template = "marketing_automation_ext.CampaignListRenderer";
    static components = { ...ListRenderer.components, CampaignTemplateHelper };
}

registry.category("views").add("marketing_automation_campaign_kanban", {
    ...kanbanView,
    Renderer: CampaignKanbanRenderer,
});

registry.category("views").add("marketing_automation_campaign_list", {
    ...listView,
    Renderer: CampaignListRenderer,
});
