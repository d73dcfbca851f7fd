// The CAP code lists the alert forms offer (values of the API's schema; their words are in the alerts bundles).

export const CATEGORIES = ['Met', 'Geo', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'Other']
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown']
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown']
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']

/** A CAP code list a select offers; its name is also the bundle's key for the words of its codes (alerts.urgency.Immediate). */
export type CapList = 'category' | 'urgency' | 'severity' | 'certainty'
