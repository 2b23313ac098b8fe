/** Where bundles are written (node_modules/.cache/framewatch). */
export declare const BUNDLE_DIR: string;
/** Bundles a TypeScript entry (path or file URL) into one ES module; resolves with the bundle's path. */
export declare function bundleEntry(entry: string | URL): Promise<string>;
