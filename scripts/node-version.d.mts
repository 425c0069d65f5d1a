// Types of node-version.mjs (plain JavaScript so that an old Node can still read it).
export declare const MIN_NODE: readonly [number, number];
export declare const INSTALL_NODE: string;
export declare function nodeProblem(version: string): string | null;
