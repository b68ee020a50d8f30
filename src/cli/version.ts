declare const __VERSION__: string | undefined;
/** Set by the build from package.json. */
export const VERSION: string = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';
