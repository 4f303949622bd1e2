// Run with: node -r tracegate/register test/instrumentation/apps/cjs-app.cjs
'use strict';
const api = require('@opentelemetry/api');
const { Router, getCallInfo } = require('tracegate');
const shared = require('./support-calls.cjs');

const router = new Router(shared.routerOptions(process.env.FAKE_BASE_URL));
shared.makeCalls(router, api, getCallInfo).then((traceIds) => console.log(JSON.stringify({ traceIds })));
