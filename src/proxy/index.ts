/** The OpenAI-compatible proxy server (`tracegate proxy`): see docs/proxy.md. */
export { startProxy, buildRouter, configSecrets, type ProxyOptions, type ProxyServer } from './server.js';
export type { ShutdownReport } from './shutdown.js';
export { loadProxyConfig, parseProxyConfig, proxyConfigFromObject, type LoadOptions } from './config/load.js';
export { DEFAULT_SERVER, type ProxyConfig, type ServerSettings } from './config/resolve.js';
export { ProxyConfigError, type ConfigIssue } from './config/source.js';
export type { ProxyConfigInput, TelemetrySettings, GuardrailConfig } from './config/schema.js';
export { hashKey, KeyRing, type VirtualKey, type KeySpec } from './keys.js';
export { consoleLogger, silentLogger, type ProxyLogger } from './log.js';
