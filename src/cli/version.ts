import { version } from '../../package.json';

/** The package version, inlined at build time. */
export const VERSION: string = version;
