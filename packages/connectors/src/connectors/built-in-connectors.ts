import type { ConnectorDefinition } from "../sdk/connector-definition.js";
import { emailConnector } from "./email-connector.js";
import { llmConnector } from "./llm-connector.js";
import { slackConnector } from "./slack-connector.js";
import { smsConnector } from "./sms-connector.js";

/** Every connector shipped with the package, registered by default. */
export const builtInConnectors: readonly ConnectorDefinition[] = Object.freeze([emailConnector, smsConnector, slackConnector, llmConnector]);
