// Visitor and session ids. The visitor id lives in first-party storage; a session ends after
// 30 minutes without an event, as in GA and Plausible, so a returning tab starts a new visit.
import { load, save } from './storage';
import { uuid } from './ids';

const SESSION_IDLE_MS = 30 * 60 * 1000;

export const visitorId = (): string => {
  let id = load<string>('cjm_v');
  if (!id) save('cjm_v', (id = uuid()));
  return id;
};

/** The current session id, renewed after inactivity; every call counts as activity. */
export const sessionId = (now: number): string => {
  let [id, at] = load<[string, number]>('cjm_s') || [];
  if (!id || now - at! > SESSION_IDLE_MS) id = uuid();
  save('cjm_s', [id, now]);
  return id;
};
