/** The route of SLACK_WEBHOOK_URL, which every target uses unless it names another. */
export const DEFAULT_ROUTE = 'default';
