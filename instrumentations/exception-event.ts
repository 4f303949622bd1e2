/** The GenAI log-based `gen_ai.client.operation.exception` event of a failed model call (router attempt or SDK call). */
import { context, trace, type Attributes, type Span } from '@opentelemetry/api';
import { SeverityNumber, type Logger } from '@opentelemetry/api-logs';
import * as S from '../semconv/index.js';

/** Emits the event in the call span's context with severity WARN, as the conventions ask; a no-op without a logger. */
export function emitOperationException(logger: Logger | undefined, span: Span, attributes: Attributes): void {
  logger?.emit({
    eventName: S.EVENT_GEN_AI_CLIENT_OPERATION_EXCEPTION,
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    attributes,
    context: trace.setSpan(context.active(), span),
  });
}
