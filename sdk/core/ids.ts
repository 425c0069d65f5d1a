// Random ids: crypto.randomUUID where available (secure contexts), else a v4 UUID from
// getRandomValues, else Math.random — an id must never be the reason an event is lost.
export const uuid = (): string => {
  try {
    return crypto.randomUUID();
  } catch {
    return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => {
      const n = +c;
      let r = Math.random() * 16;
      try {
        r = crypto.getRandomValues(new Uint8Array(1))[0];
      } catch {}
      return (n ^ (r & (15 >> (n / 4)))).toString(16);
    });
  }
};
