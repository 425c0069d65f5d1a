// The tracker's interface (types only), apart from its implementation (tracker.ts), so the
// capture modules it loads can name it without an import circle.
import type { Config } from './core/config';
import type { EventType, Props } from './schema';

export interface Tracker {
  config: Config;
  /**
   * Queues an event of the current page view. `elementStage` is the data-cjm-stage of the
   * element interacted with, if any.
   */
  emit(type: EventType, name: string, props?: Props, touchpoint?: string, elementStage?: string): void;
  /** Records a custom event; `props.stage` sets its stage explicitly. */
  track(name: string, props?: Props): void;
  /** Records a page view of the current location; later events belong to it. */
  page(props?: Props): void;
  identify(userId: string, traits?: Props): void;
  /** Sets the stage of every later event of this page view. */
  stage(stage?: string): void;
  /** Records how the customer felt here: a score from 1 (bad) to 5 (great). */
  feedback(score: number, options?: { comment?: string; touchpoint?: string; stage?: string }): void;
  flush(): void;
  /**
   * Gives the current page view's events, those queued so far included, its page-type hint
   * (`hint` on the wire); the first call of a view counts.
   */
  hint(hint?: string): void;
  /** Capture has arrived (script tag): it works out the current view's hint. */
  ready(): void;
  /**
   * Set by capture (capture/hint.ts): works out the page type of the current view and calls
   * `hint` with it, at once for the loaded page (`first`), a moment later for an SPA view.
   */
  hinted?(first: boolean): void;
  /**
   * Set by capture (capture/engagement.ts): sends the engagement of the view being left (`e`:
   * the page is being hidden or unloaded).
   */
  leave?(e?: unknown): void;
  optOut(): void;
  optIn(): void;
  /**
   * Shows survey `id` (defined on the collector) if its caps allow. Set by capture
   * (capture/surveys.ts); the script tag's calls before its capture chunk arrived wait in
   * sdk/api.ts and run then (capture/tag-chunk.ts, docs/surveys.md).
   */
  survey?(id: string): void;
}
