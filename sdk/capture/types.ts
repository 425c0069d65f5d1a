// Types the capture modules share (types only), apart from chunk.ts, which imports those modules.
import type { EventType, Props } from '../schema';
import type { ViewSignal } from './view';

/** What capture handles: the DOM events in `CAPTURED` (capture/captured.ts) and page views. */
export type Captured = Event | ViewSignal;

/** Emits an event about `el`: its touchpoint (unless given) and its data-cjm-stage come from it. */
export type Emit = (type: EventType, name: string, props: Props, el?: Element, touchpoint?: string) => void;
