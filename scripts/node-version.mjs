// The Node version check of `npm start`, in plain JavaScript that old Node versions can parse,
// so a too-old Node gets a sentence saying what to do instead of a syntax or import error.

/** node:sqlite works without a flag from Node 22.13 (and 23.4). */
export const MIN_NODE = [22, 13];

/** The one-line install of Node 24 into the home folder (no root needed), and how to use it. */
export const INSTALL_NODE = 'npm install -g --prefix "$HOME/.node24" node@24 && export PATH="$HOME/.node24/bin:$PATH"';

/**
 * What is wrong with this Node version, or null when it is new enough.
 * @example nodeProblem('20.20.2') // 'this needs Node 22.13 or newer; this is Node 20.20.2. …'
 */
export function nodeProblem(version) {
  const [major, minor] = String(version).replace(/^v/, '').split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]) || (major === 23 && minor >= 4);
  if (ok) return null;
  return (
    `this needs Node ${MIN_NODE.join('.')} or newer (for node:sqlite); this is Node ${version}.\n` +
    `Install Node 24 for this user, then run npm start again in the same shell:\n\n  ${INSTALL_NODE}\n`
  );
}
