// Types of the workerd-only modules the workers tests import, kept local so the repo's Node
// and DOM typings stay as they are (the full ones: @cloudflare/vitest-plugin/types).
declare module 'cloudflare:workers' {
  import type { D1Database, Fetcher, Queue } from '@cloudflare/workers-types';
  import type { QueuedRows } from '../../collector/worker/queue';
  /** The test Worker's env: wrangler.jsonc's bindings plus the test-only ones. */
  export const env: {
    DB: D1Database;
    ASSETS: Fetcher;
    CJM_ADMIN_TOKEN: string;
    CJM_SITES: string;
    TEST_QUEUE: Queue<QueuedRows>;
    TEST_MIGRATIONS: { name: string; queries: string[] }[];
  };
  /** The Worker's exports, as a loopback (collector/worker/main.ts `default`). */
  export const exports: { default: { fetch(input: string | Request, init?: RequestInit): Promise<Response> } };
}

declare module 'cloudflare:test' {
  import type { D1Database, ExecutionContext, MessageBatch } from '@cloudflare/workers-types';
  export function applyD1Migrations(db: D1Database, migrations: { name: string; queries: string[] }[], table?: string): Promise<void>;
  export function reset(): Promise<void>;
  export function createExecutionContext(): ExecutionContext;
  export function waitOnExecutionContext(ctx: ExecutionContext): Promise<void>;
  export function createMessageBatch<Body = unknown>(
    queueName: string,
    messages: { id: string; timestamp: Date | number; attempts: number; body: Body }[],
  ): MessageBatch<Body>;
  export function getQueueResult(
    batch: MessageBatch,
    ctx: ExecutionContext,
  ): Promise<{
    outcome: string;
    ackAll: boolean;
    retryBatch: { retry: boolean };
    explicitAcks: string[];
    retryMessages: { msgId: string }[];
  }>;
}
