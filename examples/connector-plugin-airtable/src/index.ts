export { airtableConnector, airtablePlugin } from "./airtable-connector.js";
