export * from './errors.js';
export * from './wire/index.js';
export * from './call-info.js';
export { CHANNEL_NAMES } from './channels.js';
export type * from './channels.js';
export * from './mock/index.js';
