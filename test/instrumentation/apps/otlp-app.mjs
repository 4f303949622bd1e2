// Exports over OTLP HTTP/protobuf to OTEL_EXPORTER_OTLP_ENDPOINT; prints the trace id.
import { Router, getCallInfo } from 'tracegate';
import shared from './support-calls.cjs';

const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
const c = await router.chat.completions.create({ model: 'support-fast', messages: [{ role: 'user', content: 'Hi' }] });
await router.close();
console.log(JSON.stringify({ traceId: getCallInfo(c).trace.traceId }));
