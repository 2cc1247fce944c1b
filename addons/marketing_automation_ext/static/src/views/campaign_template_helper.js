import { Component, onWillStart, useState } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";

/**
 * What the campaigns screen shows when the search returns no campaign: the action's help, then
 * one card per campaign template; a card's button creates its campaign and opens it.
 */
export class CampaignTemplateHelper extends Component {
    static template = "marketing_automation_ext.CampaignTemplateHelper";
    static props = { noContentHelp: { optional: true } };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ templates: [], creating: false });
        onWillStart(async () => {
            this.state.templates = await this.orm.searchRead(
                "marketing.automation.template",
                [],
                ["name", "description", "key"]
            );
        });
    }

    async createCampaign(template) {
        if (this.state.creating) {
            return;
        }
        this.state.creating = true;
        try {
            // as a button of the template's form would: the server's action opens the campaign
            await this.action.doActionButton({
                type: "object",
                name: "action_create_campaign",
                resModel: "marketing.automation.template",
                resId: template.id,
            });
        } catch (error) {
            this.state.creating = false;
            throw error;
        }
    }
}
