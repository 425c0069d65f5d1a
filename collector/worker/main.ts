// Cloudflare Workers entry: the same Hono app as on Node (createApp), on D1, with the SDK and
// demo served as static assets and an optional Queues path. wrangler.jsonc points here.
import type { ExecutionContext, MessageBatch, ScheduledController } from '@cloudflare/workers-types';
import { configFromEnv } from '../config';
import { applyRetention } from '../lifecycle/retention';
import { openD1Store } from '../store/sqlite/d1';
import { handleFetch } from './app';
import type { WorkerEnv } from './env';
import { consumeBatch, type QueuedRows } from './queue';

export type { WorkerEnv } from './env';

export default {
  fetch: (request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> => handleFetch(request, env, ctx),

  /** Consumer of the optional queue (see `queues` in wrangler.jsonc). */
  async queue(batch: MessageBatch<QueuedRows>, env: WorkerEnv): Promise<void> {
    // max_retries of the consumer in wrangler.jsonc (CJM_QUEUE_MAX_RETRIES when changed there): a
    // message failing its last delivery is counted as refused on /health.
    const maxRetries = Number(env.CJM_QUEUE_MAX_RETRIES ?? 10);
    await consumeBatch(batch, openD1Store(env.DB), console.error, {
      ledger: env.DB,
      maxRetries: Number.isFinite(maxRetries) ? maxRetries : 10,
    });
  },

  /** The Cron Trigger (`triggers.crons` in wrangler.jsonc): retention, when CJM_RETENTION_DAYS is set. */
  async scheduled(controller: ScheduledController, env: WorkerEnv): Promise<void> {
    const days = configFromEnv(env).retentionDays;
    if (!days) return;
    const { deleted, before } = await applyRetention(openD1Store(env.DB), days, controller.scheduledTime);
    console.log(`cjm: retention deleted ${deleted} events before ${new Date(before).toISOString()}`);
  },
};
