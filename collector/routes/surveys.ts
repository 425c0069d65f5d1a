// GET /surveys/:site: the site's micro-surveys for the SDK (collector/surveys.ts parses CJM_SURVEYS).
import { Hono } from 'hono';
import * as v from 'valibot';
import { BatchSchema } from '../../sdk/schema';
import type { SiteSurveys } from '../../sdk/survey-schema';
import type { AppDeps, AppEnv } from '../env';
import { ApiError } from '../errors';
import { DEFAULT_STAGES } from '../journey/stages';
import { DEFAULT_CAP_DAYS, SURVEYS_MAX_AGE_S, surveysForSite } from '../surveys';

/**
 * GET /surveys/:site: `{capDays, stages, surveys}` for the SDK, public (pages on other sites
 * read it: CORS *) and cacheable for {@link SURVEYS_MAX_AGE_S}. A site `/collect` refuses gets 403.
 */
export function surveyRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/surveys/:site', (c) => {
    const site = c.req.param('site');
    const checked = v.safeParse(BatchSchema.entries.site, site);
    if (!checked.success) throw new ApiError(400, `site: ${checked.issues[0].message}`);
    const { config } = deps;
    if (config.sites?.length && !config.sites.includes(site))
      throw new ApiError(403, `site "${site}" is not accepted by this collector (CJM_SITES)`);
    const body: SiteSurveys = {
      capDays: config.surveys?.capDays ?? DEFAULT_CAP_DAYS,
      stages: [...(config.stages ?? DEFAULT_STAGES)],
      surveys: surveysForSite(config.surveys, site),
    };
    return c.json(body, 200, {
      'Access-Control-Allow-Origin': '*',
      'Cache-Control': `public, max-age=${SURVEYS_MAX_AGE_S}`,
      // Other sites' pages read it with fetch() (secureHeaders would say same-origin).
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
  });
  return app;
}
