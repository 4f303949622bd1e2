/**
 * `tracegate/instrumentation`: the OpenTelemetry instrumentation of tracegate, `register()`,
 * the OTLP/JSON file exporter and the open-span registry used by the evaluator bridge.
 */
export { TracegateInstrumentation } from './instrumentation.js';
export type { TracegateInstrumentationConfig, ContentKind } from './config.js';
export { register, getRegistration, hasGlobalTracerProvider } from './setup.js';
export type { RegisterOptions, Registration } from './setup.js';
export { OtlpJsonFileSpanExporter, encodeOtlpJsonLine, DEFAULT_TRACES_FILE } from './exporters/otlp-json-file.js';
export { findOpenSpan, openSpanCount } from './open-spans.js';
export { EvaluationBridge, evaluationEventAttributes, evaluationSpanAttributes, evaluationSpanName } from './evaluation-bridge.js';
export type { BridgeHost, EvaluationTiming } from './evaluation-bridge.js';
export type { EvaluationBridgeConfig, UnsampledEvaluations } from './config.js';
export type { OpenSpan } from './open-spans.js';
export { formatTraceparent } from './propagation.js';
export { INSTRUMENTATION_NAME, PACKAGE_VERSION } from './version.js';
