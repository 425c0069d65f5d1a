// Types of worker-assets.mjs for the TypeScript files that import it.
export declare const ASSETS_DIR: string;
export declare function assembleAssets(options?: { root?: string; out?: string }): string[];
