/** The DOM events (space-separated) that sdk/capture/chunk.ts handles, listened to from the start. */
export const CAPTURED = 'click input submit invalid error unhandledrejection';
