// `tracegate report` over 1 000 000 spans: generates an OTLP/JSON lines file of the shape
// `tracegate/register` writes (512 spans per line; per ticket an application span, a call span,
// one attempt span per attempt with its ~30 attributes, ~10 % retries, ~3 % fallbacks to another
// provider, ~2 % failures, late evaluation spans and inline evaluation events), then runs the
// report on it in a fresh child process and records wall time, peak RSS (sampled every 20 ms and
// `resourceUsage().maxRSS`) and spans per second; the same at 100 000 spans shows that memory
// stays bounded. The temporary files are deleted afterwards.
//
// With `--baseline REF` (a commit, e.g. f591a76: the report before trace grouping) the script also
// builds REF in a temporary directory (`git archive`, this checkout's node_modules) and runs its
// report on the same files, measured by the same child code, `--repeat N` times (default 3), baseline and current interleaved, so
// both see the same machine load; it records every pair and the ratios of their medians.
//
//   npm run build && node bench/report-1m.mjs [--spans 1000000] [--small 100000] [--baseline REF [--repeat N]]
import { execFileSync, execSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { once } from 'node:events';
import { writeResults } from './lib.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};

// ---- child: run the report ------------------------------------------------------------------
if (process.argv[2] === '--child') {
  const file = process.argv[3];
  // `--dist ROOT`: the report of another build (the baseline), measured by this same code.
  const distAt = process.argv.indexOf('--dist');
  const dist = distAt > 0 ? pathToFileURL(join(process.argv[distAt + 1], 'dist/esm/src/report/index.js')).href : '../dist/esm/src/report/index.js';
  const { buildReport } = await import(dist);
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const baseRss = process.memoryUsage().rss;
  const t0 = performance.now();
  const report = await buildReport({ traces: file, progress: false });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage();
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (n) => Math.round((n / 1024 / 1024) * 10) / 10;
  const spans = report.input.traces[0].spans;
  process.stdout.write(
    JSON.stringify({
      spans,
      bytes: report.input.traces[0].bytes,
      calls: report.totals.requests + (report.shadowTotals?.requests ?? 0),
      evaluations: report.join.evaluations,
      evaluationsJoined: report.join.evaluationsJoined,
      wallMs: Math.round(wallMs),
      cpuMs: Math.round((cpu.user + cpu.system) / 1000),
      spansPerSec: Math.round(spans / (wallMs / 1000)),
      rssBeforeMB: mb(baseRss),
      peakRssSampledMB: mb(peak),
      maxRssMB: Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10,
      lateJoinIndexMB: mb(report.join.indexBytes),
      // A baseline build before trace grouping has no `traceGrouping` (and no trace figures below).
      closedTraceIndexMB: report.traceGrouping ? mb(report.traceGrouping.indexBytes) : null,
      traceGrouping: report.traceGrouping && {
        traces: report.traceGrouping.traces,
        tracesWithoutCalls: report.traceGrouping.tracesWithoutCalls,
        closedIdle: report.traceGrouping.closedIdle,
        closedCap: report.traceGrouping.closedCap,
        closedAtEnd: report.traceGrouping.closedAtEnd,
        peakOpen: report.traceGrouping.peakOpen,
        lateSpans: report.traceGrouping.late.spans,
        overflowSpans: report.traceGrouping.overflow.spans,
      },
      latencyExact: report.totals.latencyMs.exact,
      check: {
        successRate: report.totals.successRate,
        attemptsPerRequest: report.totals.attemptsPerRequest,
        fallbackRate: report.totals.fallbackRate,
        evalFailRate: report.totals.evals.map((e) => [e.evaluator, e.failRate]),
        coverageInApp: report.coverage.inAppTraceShare,
        coverageComplete: report.coverage.completeShare,
        traceSuccessRate: report.totals.traces?.successRate,
        costPerSuccessfulTrace: report.totals.costPerSuccessfulTrace,
        costPerSuccessfulRequest: report.totals.costPerSuccessfulRequest,
        callsPerTraceP95: report.totals.traces?.callsPerTrace.p95,
      },
    }) + '\n',
  );
  process.exit(0);
}

// ---- generator -------------------------------------------------------------------------------
function prng(seed) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

const str = (k, v) => `{"key":"${k}","value":{"stringValue":${JSON.stringify(v)}}}`;
const int = (k, v) => `{"key":"${k}","value":{"intValue":"${v}"}}`;
const dbl = (k, v) => `{"key":"${k}","value":{"doubleValue":${v}}}`;
const bool = (k, v) => `{"key":"${k}","value":{"boolValue":${v}}}`;
const arr = (k, vs) => `{"key":"${k}","value":{"arrayValue":{"values":[${vs.map((v) => `{"stringValue":"${v}"}`).join(',')}]}}}`;
const ns = (ms) => `"${BigInt(Math.round(ms * 1000)) * 1000n}"`;
const hex = (n, w) => n.toString(16).padStart(w, '0');

const DEPLOYMENTS = {
  'support-fast': [
    { id: 'support-fast#0', provider: 'openai', genai: 'openai', model: 'gpt-4o-mini', inP: 0.15, outP: 0.6 },
    { id: 'support-fast#1', provider: 'gemini', genai: 'gcp.gemini', model: 'gemini-2.0-flash', inP: 0.1, outP: 0.4 },
  ],
  'support-accurate': [{ id: 'support-accurate#0', provider: 'anthropic', genai: 'anthropic', model: 'claude-sonnet-4-5', inP: 3, outP: 15 }],
};

function attemptSpan(ids, callSpanId, d, route, index, depth, start, dur, err, usage, evalEvent) {
  const a = [
    str('gen_ai.operation.name', 'chat'),
    str('gen_ai.provider.name', d.genai),
    str('gen_ai.request.model', d.model),
    str('openinference.span.kind', 'LLM'),
    str('llm.model_name', d.model),
    str('llm.provider', d.provider === 'gemini' ? 'google' : d.provider),
    str('llm.invocation_parameters', `{"model":"${d.model}","temperature":0}`),
    str('tracegate.attempt.id', `att_${ids.span}`),
    int('tracegate.attempt.index', index),
    str('tracegate.route', route),
    str('tracegate.deployment.id', d.id),
    str('tracegate.provider', d.provider),
    int('tracegate.fallback.depth', depth),
    str('server.address', 'api.example.com'),
    int('server.port', 443),
    bool('gen_ai.request.stream', false),
    dbl('gen_ai.request.temperature', 0),
    int('http.response.status_code', err ? err.status : 200),
  ];
  if (index > 0) a.push(str('tracegate.retry.reason', 'rate_limit'), int('tracegate.retry.wait_ms', 120));
  if (err) a.push(str('error.type', err.type));
  else {
    const cost = (usage.in * d.inP + usage.out * d.outP) / 1e6;
    a.push(
      str('gen_ai.response.id', `chatcmpl-${ids.span}`),
      str('gen_ai.response.model', d.model),
      arr('gen_ai.response.finish_reasons', ['stop']),
      int('gen_ai.usage.input_tokens', usage.in),
      int('llm.token_count.prompt', usage.in),
      int('gen_ai.usage.output_tokens', usage.out),
      int('llm.token_count.completion', usage.out),
      int('llm.token_count.total', usage.in + usage.out),
      dbl('llm.cost.prompt', (usage.in * d.inP) / 1e6),
      dbl('llm.cost.completion', (usage.out * d.outP) / 1e6),
      dbl('llm.cost.total', cost),
    );
  }
  const events = [];
  if (err) events.push(`{"name":"exception","timeUnixNano":${ns(start + dur)},"attributes":[${str('exception.type', 'RateLimitError')},${str('exception.message', `${d.provider} ${err.status}: rate limited`)}]}`);
  if (evalEvent) events.push(evalEvent(start + dur));
  return `{"traceId":"${ids.trace}","spanId":"${ids.span}","parentSpanId":"${callSpanId}","name":"chat ${d.model}","kind":3,"startTimeUnixNano":${ns(start)},"endTimeUnixNano":${ns(start + dur)},"attributes":[${a.join(',')}],"droppedAttributesCount":0,"events":[${events.join(',')}],"droppedEventsCount":0,"status":{"code":${err ? 2 : 0}},"links":[],"droppedLinksCount":0,"flags":257}`;
}

function evalAttrs(name, passed, score) {
  return [str('gen_ai.evaluation.name', name), dbl('gen_ai.evaluation.score.value', score), str('gen_ai.evaluation.score.label', passed ? 'pass' : 'fail'), bool('tracegate.evaluation.passed', passed), dbl('tracegate.evaluation.threshold', 0.7)].join(',');
}

async function generate(file, targetSpans, seed = 42) {
  const rand = prng(seed);
  const out = createWriteStream(file, { highWaterMark: 1 << 22 });
  let batch = [];
  let spans = 0;
  let n = 0;
  let now = Date.UTC(2026, 0, 1, 8);
  const flush = async () => {
    if (!batch.length) return;
    const line = `{"resourceSpans":[{"resource":{"attributes":[${str('service.name', 'support-agent')},${str('telemetry.sdk.language', 'nodejs')}],"droppedAttributesCount":0},"scopeSpans":[{"scope":{"name":"tracegate","version":"0.1.0"},"spans":[${batch.join(',')}]}]}]}\n`;
    batch = [];
    if (!out.write(line)) await once(out, 'drain');
  };
  const push = async (s) => {
    batch.push(s);
    spans++;
    if (batch.length >= 512) await flush();
  };
  while (spans < targetSpans) {
    n++;
    now += rand() * 40;
    const trace = hex(n, 16) + hex(Math.floor(rand() * 2 ** 32), 8) + hex(seed, 8);
    let s = 0;
    const sid = () => hex(n, 10) + hex(++s, 6);
    const appId = sid();
    const callId = sid();
    const route = rand() < 0.7 ? 'support-fast' : 'support-accurate';
    const deps = DEPLOYMENTS[route];
    const r = rand();
    const plan = [];
    // attempts: [deployment, route, depth, error?]
    if (r < 0.1) plan.push([deps[0], route, 0, { status: 429, type: 'rate_limit' }], [deps[deps.length - 1], route, 0, null]);
    else if (r < 0.13 && route === 'support-fast') plan.push([deps[0], route, 0, { status: 503, type: 'upstream_unavailable' }], [deps[1], route, 0, { status: 503, type: 'upstream_unavailable' }], [DEPLOYMENTS['support-accurate'][0], 'support-accurate', 1, null]);
    else if (r < 0.15) plan.push([deps[0], route, 0, { status: 429, type: 'rate_limit' }], [deps[0], route, 0, { status: 429, type: 'rate_limit' }]);
    else plan.push([rand() < 0.85 ? deps[0] : deps[deps.length - 1], route, 0, null]);
    const failed = plan[plan.length - 1][3] !== null;
    let t = now;
    let inT = 0;
    let outT = 0;
    let cost = 0;
    let answerId;
    let answer;
    const inlineEval = !failed && rand() < 0.3;
    for (let i = 0; i < plan.length; i++) {
      const [d, aRoute, depth, err] = plan[i];
      const dur = err ? 20 + rand() * 60 : 200 + rand() * 900;
      const usage = { in: 300 + Math.floor(rand() * 700), out: 40 + Math.floor(rand() * 200) };
      const id = sid();
      const last = i === plan.length - 1;
      const evalEvent = last && inlineEval ? (at) => `{"name":"gen_ai.evaluation.result","timeUnixNano":${ns(at)},"attributes":[${evalAttrs('json_validity', rand() > (d.provider === 'gemini' ? 0.3 : 0.05), 1)}]}` : undefined;
      await push(attemptSpan({ trace, span: id }, callId, d, aRoute, i, depth, t, dur, err, usage, evalEvent));
      if (!err) {
        inT += usage.in;
        outT += usage.out;
        cost += (usage.in * d.inP + usage.out * d.outP) / 1e6;
        answerId = id;
        answer = d;
      }
      t += dur + (i < plan.length - 1 ? 120 : 0);
    }
    const outcome = failed ? 'exhausted' : plan[plan.length - 1][2] > 0 ? 'fallback_success' : 'success';
    const ca = [
      str('openinference.span.kind', 'CHAIN'),
      str('tracegate.call.id', `call_${callId}`),
      str('tracegate.operation', 'chat'),
      str('tracegate.route', route),
      bool('tracegate.stream', false),
      str('tracegate.outcome', outcome),
      int('tracegate.attempts', plan.length),
      int('tracegate.retries', plan.length - 1),
      bool('tracegate.fallback.used', outcome === 'fallback_success'),
      bool('tracegate.cache.hit', false),
      str('tracegate.metadata.ticket', `T-${n}`),
    ];
    if (outcome === 'fallback_success') ca.push(str('tracegate.fallback.alias', 'support-accurate'));
    if (answer) ca.push(str('tracegate.deployment.id', answer.id), str('tracegate.provider', answer.provider), str('tracegate.model', answer.model));
    ca.push(int('tracegate.usage.input_tokens', inT), int('tracegate.usage.output_tokens', outT), int('tracegate.usage.total_tokens', inT + outT), dbl('tracegate.cost.total_usd', cost));
    if (failed) ca.push(str('error.type', plan[plan.length - 1][3].type));
    const ev = `{"attributes":[${str('tracegate.decision.action', 'select')},${str('tracegate.route.alias', route)},${str('tracegate.route.strategy', 'weighted')},${str('tracegate.deployment.id', plan[0][0].id)},${int('tracegate.route.candidates', deps.length)}],"name":"tracegate.route","timeUnixNano":${ns(now + 1)},"droppedAttributesCount":0}`;
    await push(`{"traceId":"${trace}","spanId":"${callId}","parentSpanId":"${appId}","name":"chat ${route}","kind":1,"startTimeUnixNano":${ns(now)},"endTimeUnixNano":${ns(t + 2)},"attributes":[${ca.join(',')}],"droppedAttributesCount":0,"events":[${ev}],"droppedEventsCount":0,"status":{"code":${failed ? 2 : 0}},"links":[],"droppedLinksCount":0,"flags":257}`);
    await push(`{"traceId":"${trace}","spanId":"${appId}","name":"ticket T-${n}","kind":1,"startTimeUnixNano":${ns(now - 1)},"endTimeUnixNano":${ns(t + 3)},"attributes":[${str('ticket.id', `T-${n}`)}],"droppedAttributesCount":0,"events":[],"droppedEventsCount":0,"status":{"code":0},"links":[],"droppedLinksCount":0,"flags":257}`);
    if (!failed && !inlineEval && rand() < 0.6) {
      const evId = sid();
      const passed = rand() > (answer.provider === 'gemini' ? 0.3 : 0.05);
      await push(
        `{"traceId":"${trace}","spanId":"${evId}","parentSpanId":"${answerId}","name":"evaluation groundedness","kind":1,"startTimeUnixNano":${ns(t + 50)},"endTimeUnixNano":${ns(t + 60)},"attributes":[${str('openinference.span.kind', 'EVALUATOR')},${str('evaluations.0.evaluation.name', 'groundedness')},${dbl('evaluations.0.evaluation.score', passed ? 0.9 : 0.3)},${str('tracegate.route', route)}],"droppedAttributesCount":0,"events":[{"name":"gen_ai.evaluation.result","timeUnixNano":${ns(t + 60)},"attributes":[${evalAttrs('groundedness', passed, passed ? 0.9 : 0.3)}]}],"droppedEventsCount":0,"status":{"code":0},"links":[{"traceId":"${trace}","spanId":"${answerId}","attributes":[]}],"droppedLinksCount":0,"flags":257}`,
      );
    }
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { spans, tickets: n, bytes: statSync(file).size };
}

function runChild(file, distRoot) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', file, ...(distRoot ? ['--dist', distRoot] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`report child exited with ${code}`))));
  });
}

/** Builds `ref` in `dir` and returns the root of that build (its report is run with `--child FILE --dist ROOT`). */
function buildBaseline(ref, dir) {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const root = join(dir, 'baseline');
  mkdirSync(root);
  execSync(`git -C "${repo}" archive ${JSON.stringify(ref)} | tar -x -C "${root}"`);
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
  return root;
}

const median = (xs) => {
  const v = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return v.length ? (v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2) : null;
};
const pick = (r) => ({ wallMs: r.wallMs, cpuMs: r.cpuMs ?? null, peakRssSampledMB: r.peakRssSampledMB, maxRssMB: r.maxRssMB });

const big = arg('--spans', 1_000_000);
const small = arg('--small', 100_000);
const baselineAt = process.argv.indexOf('--baseline');
const baselineRef = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
const repeat = arg('--repeat', baselineRef ? 3 : 1);
const dir = mkdtempSync(join(tmpdir(), 'tracegate-report-bench-'));
try {
  const baselineRoot = baselineRef ? buildBaseline(baselineRef, dir) : undefined;
  const runs = [];
  const comparisons = [];
  for (const target of [small, big]) {
    const file = join(dir, `traces-${target}.jsonl`);
    const g0 = performance.now();
    const gen = await generate(file, target);
    const genMs = Math.round(performance.now() - g0);
    console.error(`generated ${gen.spans} spans (${gen.tickets} tickets, ${(gen.bytes / 1e6).toFixed(0)} MB) in ${genMs} ms`);
    const pairs = [];
    let r;
    for (let i = 0; i < repeat; i++) {
      const b = baselineRoot ? await runChild(file, baselineRoot) : undefined;
      if (b) console.error(`  baseline ${baselineRef}: ${b.wallMs} ms, peak RSS ${b.peakRssSampledMB} MB (maxRSS ${b.maxRssMB} MB)`);
      const c = await runChild(file);
      console.error(`  report: ${c.spans} spans in ${c.wallMs} ms (${c.spansPerSec} spans/s, cpu ${c.cpuMs} ms), peak RSS ${c.peakRssSampledMB} MB (maxRSS ${c.maxRssMB} MB); ${c.traceGrouping.traces} traces, peak ${c.traceGrouping.peakOpen} open, ${c.traceGrouping.lateSpans} late`);
      r ??= c;
      pairs.push({ ...(b ? { baseline: pick(b) } : {}), current: pick(c) });
    }
    runs.push({ targetSpans: target, generatedTickets: gen.tickets, fileMB: Math.round(gen.bytes / 1e5) / 10, generateMs: genMs, ...r });
    if (baselineRoot) {
      const ratio = (k) => {
        const c = median(pairs.map((p) => p.current[k]));
        const b = median(pairs.map((p) => p.baseline[k]));
        return c !== null && b ? Math.round((c / b) * 100) / 100 : null;
      };
      comparisons.push({ targetSpans: target, baseline: baselineRef, pairs, medianRatio: { wallMs: ratio('wallMs'), cpuMs: ratio('cpuMs'), peakRssSampledMB: ratio('peakRssSampledMB'), maxRssMB: ratio('maxRssMB') } });
      console.error(`  current / baseline (medians of ${repeat}): ${JSON.stringify(comparisons[comparisons.length - 1].medianRatio)}`);
    }
    rmSync(file, { force: true });
  }
  const [s, b] = runs;
  const file = writeResults('report-1m', {
    bench: 'report-1m',
    description:
      'tracegate report (buildReport, streaming OTLP/JSON lines reader, join, cohorts, bounded percentiles) over generated register()-shaped traces, each run in a fresh child process',
    runs,
    ...(comparisons.length ? { comparisons } : {}),
    bounded: {
      spansRatio: Math.round((b.spans / s.spans) * 10) / 10,
      peakRssRatio: Math.round((b.peakRssSampledMB / s.peakRssSampledMB) * 100) / 100,
      peakRssGrowthMB: Math.round((b.peakRssSampledMB - s.peakRssSampledMB) * 10) / 10,
      lateJoinIndexBytesPerCall: Math.round((b.lateJoinIndexMB * 1024 * 1024) / b.calls),
    },
  });
  console.error(`results: ${file}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
