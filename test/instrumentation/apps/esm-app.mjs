// Run with: node --import tracegate/register test/instrumentation/apps/esm-app.mjs
import * as api from '@opentelemetry/api';
import { Router, getCallInfo } from 'tracegate';
import shared from './support-calls.cjs';

const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
const traceIds = await shared.makeCalls(router, api, getCallInfo);
console.log(JSON.stringify({ traceIds }));
