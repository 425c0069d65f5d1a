// The default journey. Stage inference speaks in these roles; a site with its own stage list
// (CJM_STAGES) gets each role mapped onto its list (stages.ts stageOf).

/** The default journey's stages, in order: also the roles stage inference assigns. */
export const ROLES = ['awareness', 'consideration', 'decision', 'retention', 'advocacy'] as const;
export type Role = (typeof ROLES)[number];

/** The default journey, in order. A site can replace it (CJM_STAGES / site config). */
export const DEFAULT_STAGES: string[] = [...ROLES];
