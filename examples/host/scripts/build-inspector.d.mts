/** Largest accepted gzipped size of the page's JavaScript. */
export declare const SCRIPT_BUDGET_BYTES: number;
/** Builds the inspector into `outputDirectory` (default dist/inspector); resolves with the gzipped sizes. */
export declare function buildInspector(outputDirectory?: string): Promise<{ scriptGzipBytes: number; stylesGzipBytes: number }>;
