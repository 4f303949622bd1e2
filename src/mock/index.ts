/**
 * tracegate mock: a fake LLM provider server speaking the OpenAI, Azure OpenAI, Anthropic,
 * Gemini and Bedrock wire formats, with scripted faults. Written from the providers'
 * documented formats; it imports nothing from the provider adapters.
 *
 * Names are prefixed with `Mock` where the package root also exports them.
 */
export { startMockServer, type MockServer, type MockServerOptions } from './server.js';
export type { MockCallRecord, CallFilter as MockCallFilter, HeadersPresent as MockHeadersPresent } from './calls.js';
export { ScenarioError as MockScenarioError, loadScenarioFile as loadMockScenarioFile, parseScenario as parseMockScenario } from './scenario/load.js';
export { FAULT_HEADER as MOCK_FAULT_HEADER, REPLY_HEADER as MOCK_REPLY_HEADER, FIXTURE_HEADER as MOCK_FIXTURE_HEADER } from './scenario/headers.js';
export { DIALECTS as MOCK_DIALECTS, OPERATIONS as MOCK_OPERATIONS } from './scenario/schema.js';
export type {
  DialectName as MockDialect,
  Operation as MockOperation,
  FinishReason as MockFinishReason,
  Reply as MockReply,
  ToolCall as MockToolCall,
  Usage as MockUsage,
  StreamOptions as MockStreamOptions,
  Step as MockStep,
  StepKind as MockStepKind,
  Rule as MockRule,
  RuleMatch as MockRuleMatch,
  ProbabilisticFault as MockProbabilisticFault,
  Scenario as MockScenario,
} from './scenario/schema.js';
