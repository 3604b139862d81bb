#!/usr/bin/env node
// Load generator for FairCast's Socket.IO /live contract, using the official socket.io-client
// over the websocket transport and holding thousands of connections in this one process.
// The same program measures FairCast and the reference server in bench/node/server.js.
//
//   node bench/node/loadgen.js --scenario fanout  --url http://127.0.0.1:P --room R --token T \
//        --job J1 [--job J2 ...] --viewers 1000 --cards 20 --interval-ms 500
//   node bench/node/loadgen.js --scenario signups --url ... --room R [--token T] --job J1 --job J2 \
//        --viewers 1000 --inflight 200 --retry-every 10
//   node bench/node/loadgen.js --scenario connect --url ... --viewers 5000 [--join --room R] [--hold]
//
// --url may list several servers (comma-separated): viewers are spread round-robin over them and
// the host uses the first (or --host-url). The result is one JSON object on the last line of
// stdout; with --hold, a line "ready <n>" comes first, then the connections stay open until a
// line arrives on stdin, stdin closes, SIGUSR2 arrives or --hold-ms passes. Progress goes to
// stderr. Exit status: 0 when the scenario ran (misses are reported in the JSON, not as a
// failure), 1 on a setup error, 2 when --deadline-ms ran out.
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const { parseArgs } = require('node:util');
const { io } = require('socket.io-client');

const EV = {
  JOIN: 'join',
  PUSH_CARD: 'push_card',
  SIGN_UP: 'sign_up',
  IDENTIFY: 'identify',
  CARD: 'card',
  COUNTS: 'counts',
};
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const FD_MARGIN = 64;

let opt;
try {
  ({ values: opt } = parseArgs({
    options: {
      scenario: { type: 'string', default: 'fanout' },
      url: { type: 'string', default: 'http://127.0.0.1:5000' },
      'host-url': { type: 'string' },
      namespace: { type: 'string', default: '/live' },
      path: { type: 'string', default: '/socket.io' },
      origin: { type: 'string' },
      viewers: { type: 'string', default: '1000' },
      room: { type: 'string', default: 'bench' },
      token: { type: 'string' },
      tokens: { type: 'string' },
      job: { type: 'string', multiple: true, default: [] },
      cards: { type: 'string', default: '20' },
      'interval-ms': { type: 'string', default: '500' },
      'warmup-ms': { type: 'string', default: '1000' },
      'warmup-cards': { type: 'string', default: '1' },
      'settle-ms': { type: 'string', default: '15000' },
      batch: { type: 'string', default: '500' },
      concurrency: { type: 'string', default: '50' },
      'batch-pause-ms': { type: 'string', default: '0' },
      'max-failures': { type: 'string', default: '50' },
      'connect-timeout-ms': { type: 'string', default: '20000' },
      'ack-timeout-ms': { type: 'string', default: '20000' },
      inflight: { type: 'string', default: '200' },
      'retry-every': { type: 'string', default: '10' },
      'no-push': { type: 'boolean', default: false },
      'mobile-base': { type: 'string' },
      join: { type: 'boolean', default: false },
      hold: { type: 'boolean', default: false },
      'hold-ms': { type: 'string', default: '600000' },
      'deadline-ms': { type: 'string', default: '900000' },
      quiet: { type: 'boolean', default: false },
    },
  }));
} catch (err) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: err.message })}\n`);
  process.exit(1);
}

// A setup error: main() reports it as {ok: false, error} and exits 1.
class Fatal extends Error {}

function die(message) {
  throw new Fatal(message);
}

function int(name) {
  const v = Number(opt[name]);
  if (!Number.isFinite(v) || v < 0) die(`--${name} must be a non-negative number`);
  return Math.floor(v);
}

let N;
let CONNECT_TIMEOUT;
let ACK_TIMEOUT;
const URLS = opt.url.split(',').map((u) => u.trim().replace(/\/+$/, '')).filter(Boolean);
const HOST_URL = (opt['host-url'] || URLS[0]).replace(/\/+$/, '');
const JOBS = opt.job.flatMap((j) => j.split(',')).map((j) => j.trim()).filter(Boolean);

const sockets = []; // every socket we opened, so shutdown can close them all
const stats = { disconnects: {}, connect_errors: {}, invalid_payloads: 0, counts_events: 0 };
let closing = false;

function log(...args) {
  if (!opt.quiet) process.stderr.write(`[loadgen] ${args.join(' ')}\n`);
}

let resultWritten = false;
function emitResult(obj, code = 0) {
  if (resultWritten) return;
  resultWritten = true;
  closing = true;
  const line = `${JSON.stringify(obj)}\n`;
  for (const s of sockets) {
    try {
      s.disconnect();
    } catch {
      // already closed
    }
  }
  process.stdout.write(line, () => setTimeout(() => process.exit(code), 200));
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

function summary(values) {
  const s = Float64Array.from(values).sort();
  const round = (x) => (x == null ? null : Math.round(x * 10) / 10);
  let sum = 0;
  for (const v of s) sum += v;
  return {
    n: s.length,
    min: round(s.length ? s[0] : null),
    p50: round(percentile(s, 50)),
    p99: round(percentile(s, 99)),
    max: round(s.length ? s[s.length - 1] : null),
    mean: round(s.length ? sum / s.length : null),
  };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function bump(obj, key) {
  obj[key] = (obj[key] || 0) + 1;
}

function checkEnvironment() {
  for (const u of [...URLS, HOST_URL]) {
    let host;
    try {
      host = new URL(u).hostname;
    } catch {
      die(`not a URL: ${u}`);
    }
    if (!LOOPBACK.has(host)) die(`refusing to load a non-loopback server: ${u}`);
  }
  // Node raises its soft open-files limit to the hard limit at start-up; check it is enough.
  let limit = Infinity;
  try {
    const m = /Max open files\s+(\d+|unlimited)/.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    if (m && m[1] !== 'unlimited') limit = Number(m[1]);
  } catch {
    // not Linux: trust the operator
  }
  if (N + 1 + FD_MARGIN > limit) {
    die(`open-files limit ${limit} is too low for ${N} connections: raise it (ulimit -n)`);
  }
  return limit;
}

function openSocket(url, auth) {
  const extraHeaders = opt.origin ? { Origin: opt.origin } : undefined;
  const socket = io(`${url}${opt.namespace}`, {
    path: opt.path,
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT,
    auth: auth || {},
    extraHeaders,
  });
  sockets.push(socket);
  socket.on('disconnect', (reason) => {
    if (!closing) bump(stats.disconnects, reason);
  });
  return socket;
}

// A short reason for a failed connection: the server's refusal, or the transport's error.
function describeError(err) {
  if (!err) return 'unknown';
  const cause = err.description && (err.description.message || err.description.code);
  const parts = [err.message && err.message !== 'undefined' ? err.message : 'refused'];
  if (cause && typeof cause === 'string') parts.push(cause);
  if (err.data != null) parts.push(JSON.stringify(err.data).slice(0, 200));
  return parts.join(': ');
}

// Resolves with {socket, ms} once the namespace is connected, or {error} on failure/timeout.
function connect(url, auth) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = openSocket(url, auth);
    let done = false;
    const finish = (error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (error) {
        bump(stats.connect_errors, error);
        socket.close();
        resolve({ error });
      } else {
        resolve({ socket, ms: performance.now() - t0 });
      }
    };
    const timer = setTimeout(() => finish('timeout'), CONNECT_TIMEOUT + 1000);
    socket.once('connect', () => finish(null));
    socket.once('connect_error', (err) => finish(describeError(err)));
  });
}

// Emits an event and resolves with the server's ack, or an error ack on timeout.
function call(socket, event, data) {
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT).emit(event, data, (err, res) => {
      if (err) resolve({ ok: false, error: { code: 'timeout', message: `no ack for ${event}` } });
      else if (res && typeof res === 'object') resolve(res);
      else resolve({ ok: false, error: { code: 'bad_ack', message: JSON.stringify(res) } });
    });
  });
}

function ackError(res) {
  return (res && res.error && (res.error.code || res.error.message)) || 'unknown';
}

// Runs task(i) for i in [0, count) in batches of --batch, at most --concurrency at a time, so
// the target's listen backlog is never flooded with SYNs. A task returns false when its
// connection failed; after --max-failures of those no more are opened (a server that stops
// accepting would otherwise cost a connect timeout per remaining viewer).
async function ramp(count, task) {
  const batch = Math.max(1, int('batch'));
  const concurrency = Math.max(1, int('concurrency'));
  const pause = int('batch-pause-ms');
  const maxFailures = int('max-failures');
  let failures = 0;
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    let next = start;
    const worker = async () => {
      while (next < end && failures <= maxFailures) {
        if ((await task(next++)) === false) failures++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, end - start) }, worker));
    log(`connected ${end - failures}/${count}`);
    if (failures > maxFailures) {
      log(`gave up after ${failures} failed connections`);
      return { aborted: true, failures };
    }
    if (pause && end < count) await sleep(pause);
  }
  return { aborted: false, failures };
}

function viewerUrl(i) {
  return URLS[i % URLS.length];
}

function validState(state) {
  return (
    state &&
    typeof state === 'object' &&
    'status' in state &&
    Array.isArray(state.cards) &&
    state.counts &&
    typeof state.counts === 'object'
  );
}

async function connectHost() {
  if (!opt.token) die('--token (the host API token) is required to push cards');
  const host = await connect(HOST_URL, { token: opt.token });
  if (host.error) die(`host could not connect: ${host.error}`);
  const joined = await call(host.socket, EV.JOIN, { room_id: opt.room });
  if (!joined.ok) die(`host could not join room ${opt.room}: ${ackError(joined)}`);
  return host.socket;
}

// ---------------------------------------------------------------------------------- fan-out
async function fanout() {
  const C = int('cards');
  const interval = int('interval-ms');
  if (!JOBS.length) die('--job is required (the jobs whose cards are pushed)');
  const cards = new Map(); // card_id -> {seen, delays, duplicates}
  const cardFor = (cardId) => {
    let c = cards.get(cardId);
    if (!c) {
      c = { seen: new Uint8Array(N), delays: [], duplicates: 0 };
      cards.set(cardId, c);
    }
    return c;
  };
  const connectMs = [];
  const joinErrors = {};
  let joined = 0;
  let invalidState = 0;

  // The host is in the room before the viewers arrive, as in a real broadcast.
  const host = await connectHost();
  const t0 = performance.now();
  const ramped = await ramp(N, async (i) => {
    const r = await connect(viewerUrl(i));
    if (r.error) return false;
    connectMs.push(r.ms);
    r.socket.on(EV.CARD, (msg) => {
      const now = Date.now();
      const card = msg && msg.card;
      if (!card || card.card_id == null || typeof card.pushed_at !== 'number' || !card.job) {
        stats.invalid_payloads++;
        return;
      }
      if (msg.room_id != null && String(msg.room_id) !== String(opt.room)) return;
      const c = cardFor(String(card.card_id));
      if (c.seen[i]) {
        c.duplicates++;
        return;
      }
      c.seen[i] = 1;
      c.delays.push(now - card.pushed_at);
    });
    r.socket.on(EV.COUNTS, () => stats.counts_events++);
    const res = await call(r.socket, EV.JOIN, { room_id: opt.room });
    if (res.ok) {
      joined++;
      if (!validState(res.state)) invalidState++;
    } else {
      bump(joinErrors, ackError(res));
    }
  });
  const connectElapsed = performance.now() - t0;
  log(`viewers joined ${joined}/${N} in ${Math.round(connectElapsed)} ms`);

  await sleep(int('warmup-ms'));

  // Unmeasured cards first, so neither side's first-use costs (lazy imports, JIT, a GC after
  // thousands of connections) land on the first measured card.
  const warmupIds = new Set();
  for (let k = 0; k < int('warmup-cards'); k++) {
    const res = await call(host, EV.PUSH_CARD, { room_id: opt.room, job_id: JOBS[0] });
    if (!res.ok) {
      log(`warm-up card refused: ${ackError(res)}`); // the measured pushes will report it
      break;
    }
    const id = String(res.card_id);
    warmupIds.add(id);
    const until = performance.now() + 5000;
    while ((cards.get(id) || { delays: [] }).delays.length < joined && performance.now() < until) {
      await sleep(20);
    }
    await sleep(interval);
  }

  const pushes = []; // {index, card_id, ack_ms, error}
  const start = performance.now();
  for (let k = 0; k < C; k++) {
    const wait = start + k * interval - performance.now();
    if (wait > 0) await sleep(wait);
    const sent = performance.now();
    const res = await call(host, EV.PUSH_CARD, { room_id: opt.room, job_id: JOBS[k % JOBS.length] });
    const ackMs = performance.now() - sent;
    if (res.ok && res.card_id != null) {
      pushes.push({ index: k, card_id: String(res.card_id), ack_ms: Math.round(ackMs * 10) / 10 });
    } else {
      pushes.push({ index: k, card_id: null, error: ackError(res) });
    }
    log(`card ${k + 1}/${C} ${res.ok ? `id ${res.card_id}` : `failed: ${ackError(res)}`}`);
  }

  // Wait for stragglers: every pushed card at every joined viewer, or --settle-ms.
  const settleUntil = performance.now() + int('settle-ms');
  const complete = () =>
    pushes.every((p) => p.card_id == null || (cards.get(p.card_id) || { delays: [] }).delays.length >= joined);
  while (!complete() && performance.now() < settleUntil) await sleep(50);

  const all = [];
  const perCard = pushes.map((p) => {
    const c = p.card_id != null ? cards.get(p.card_id) : null;
    const delays = c ? c.delays : [];
    for (const d of delays) all.push(d);
    const s = summary(delays);
    return {
      index: p.index,
      card_id: p.card_id,
      push_ack_ms: p.ack_ms ?? null,
      error: p.error,
      received: delays.length,
      missing: N - delays.length,
      duplicates: c ? c.duplicates : 0,
      min_ms: s.min,
      p50_ms: s.p50,
      p99_ms: s.p99,
      max_ms: s.max,
    };
  });
  const overall = summary(all);
  const missing = perCard.reduce((acc, c) => acc + c.missing, 0);
  return {
    ok: true,
    scenario: 'fanout',
    urls: URLS,
    room: opt.room,
    viewers: N,
    connected: connectMs.length,
    joined,
    connect_aborted: ramped.aborted,
    join_errors: joinErrors,
    join_state_invalid: invalidState,
    connect: {
      elapsed_ms: Math.round(connectElapsed),
      per_s: Math.round((connectMs.length / connectElapsed) * 1000),
      ms: summary(connectMs),
    },
    cards: C,
    cards_pushed: pushes.filter((p) => p.card_id != null).length,
    interval_ms: interval,
    expected: N * C,
    received: all.length,
    missing,
    all_received: missing === 0,
    delay_ms: overall,
    per_card: perCard,
    warmup_cards: warmupIds.size,
    stray_cards: [...cards.keys()].filter(
      (id) => !warmupIds.has(id) && !pushes.some((p) => p.card_id === id),
    ).length,
    invalid_payloads: stats.invalid_payloads,
    counts_events: stats.counts_events,
    disconnects: stats.disconnects,
    connect_errors: stats.connect_errors,
  };
}

// ---------------------------------------------------------------------------------- sign-ups
// A valid mainland-China mobile number (1[3-9] + 9 digits), distinct for each k.
function mobileFor(k) {
  return `1${3 + (k % 7)}${String(Math.floor(k / 7) % 1e9).padStart(9, '0')}`;
}

async function signups() {
  if (!JOBS.length) die('--job is required (the jobs to sign up to)');
  const M = JOBS.length;
  const base =
    opt['mobile-base'] != null ? Number(opt['mobile-base']) : Math.floor(Math.random() * 6e9);
  if (!Number.isFinite(base) || base < 0 || base + N > 7e9) die('--mobile-base out of range');

  // FairCast takes only a token from a verified mobile number (--tokens: a file, one a line);
  // the reference server takes a name and a number.
  const tokens = opt.tokens
    ? require('node:fs').readFileSync(opt.tokens, 'utf8').split('\n').filter(Boolean)
    : null;
  if (tokens && tokens.length < N) die(`--tokens has ${tokens.length} tokens for ${N} viewers`);
  const identity = (i) =>
    tokens ? { token: tokens[i] } : { name: `求职者${i}`, mobile: mobileFor(base + i) };

  let pushed = 0;
  if (opt.token && !opt['no-push']) {
    const host = await connectHost();
    for (const job of JOBS) {
      const res = await call(host, EV.PUSH_CARD, { room_id: opt.room, job_id: job });
      if (!res.ok) die(`pushing the card for job ${job} failed: ${ackError(res)}`);
      pushed++;
    }
  }

  const viewers = new Array(N).fill(null);
  const setupErrors = {};
  const t0 = performance.now();
  const ramped = await ramp(N, async (i) => {
    const r = await connect(viewerUrl(i));
    if (r.error) return false;
    r.socket.on(EV.COUNTS, () => stats.counts_events++);
    const who = await call(r.socket, EV.IDENTIFY, identity(i));
    if (!who.ok) return bump(setupErrors, `identify:${ackError(who)}`);
    const res = await call(r.socket, EV.JOIN, { room_id: opt.room });
    if (!res.ok) return bump(setupErrors, `join:${ackError(res)}`);
    viewers[i] = r.socket;
  });
  const ready = viewers.filter(Boolean).length;
  log(`viewers ready ${ready}/${N} in ${Math.round(performance.now() - t0)} ms`);

  const retryEvery = int('retry-every');
  const P = N * M; // distinct (viewer, job) pairs
  const createdTally = new Uint8Array(P);
  const jobMaxCount = new Array(M).fill(0);
  const latencies = [];
  const errors = {};
  let acks = 0;
  let sent = 0;
  let createdTrue = 0;
  let retried = 0;
  let firstSend = null;
  let lastAck = null;

  const signUp = async (p) => {
    const v = p % N; // job-major order spreads consecutive sign-ups over connections
    const j = Math.floor(p / N);
    const t = performance.now();
    if (firstSend == null) firstSend = t;
    sent++;
    const res = await call(viewers[v], EV.SIGN_UP, { room_id: opt.room, job_id: JOBS[j] });
    lastAck = performance.now();
    if (res.error && res.error.code === 'timeout') {
      bump(errors, 'timeout');
      return;
    }
    acks++;
    latencies.push(lastAck - t);
    if (!res.ok) {
      bump(errors, ackError(res));
      return;
    }
    if (res.created === true) {
      createdTrue++;
      if (createdTally[p] < 255) createdTally[p]++;
    }
    if (typeof res.count === 'number' && res.count > jobMaxCount[j]) jobMaxCount[j] = res.count;
  };

  let next = 0;
  const worker = async () => {
    while (next < P) {
      const p = next++;
      if (!viewers[p % N]) continue;
      if (!viewers[p % N].connected) {
        bump(errors, 'disconnected'); // don't wait out an ack timeout per pair
        continue;
      }
      if (retryEvery > 0 && p % retryEvery === 0) {
        retried++;
        // Alternate the two ways a retry happens: a double tap (both in flight at once) and a
        // resend after the first answer (a reconnect, another tab).
        if ((p / retryEvery) % 2 === 0) await Promise.all([signUp(p), signUp(p)]);
        else {
          await signUp(p);
          await signUp(p);
        }
      } else {
        await signUp(p);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, int('inflight')) }, worker));

  const expectedPairs = ready * M;
  let once = 0;
  let more = 0;
  let never = 0;
  for (let p = 0; p < P; p++) {
    if (!viewers[p % N]) continue;
    if (createdTally[p] === 1) once++;
    else if (createdTally[p] > 1) more++;
    else never++;
  }
  const elapsed = firstSend == null ? 0 : lastAck - firstSend;
  return {
    ok: true,
    scenario: 'signups',
    urls: URLS,
    room: opt.room,
    viewers: N,
    ready,
    connect_aborted: ramped.aborted,
    setup_errors: setupErrors,
    jobs: JOBS,
    cards_pushed: pushed,
    pairs: expectedPairs,
    retried_pairs: retried,
    sent,
    acks,
    errors,
    created_true: createdTrue,
    pairs_created_once: once,
    pairs_created_more_than_once: more,
    pairs_never_created: never,
    exactly_once: once === expectedPairs && more === 0,
    counts_max: Object.fromEntries(JOBS.map((j, k) => [j, jobMaxCount[k]])),
    // Fresh jobs: the last count each job's sign-ups answered with is the number of viewers.
    counts_exact: jobMaxCount.every((c) => c === ready),
    elapsed_ms: Math.round(elapsed),
    throughput_per_s: elapsed > 0 ? Math.round((acks / elapsed) * 1000) : null,
    ack_ms: summary(latencies),
    mobile_base: base,
    counts_events: stats.counts_events,
    disconnects: stats.disconnects,
    connect_errors: stats.connect_errors,
  };
}

// ---------------------------------------------------------------------------------- connect
function waitForRelease(holdMs) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => done('timeout'), holdMs);
    const done = (why) => {
      clearTimeout(timer);
      process.stdin.pause();
      resolve(why);
    };
    process.once('SIGUSR2', () => done('signal'));
    process.stdin.on('data', () => done('stdin'));
    process.stdin.on('end', () => done('stdin-closed'));
    process.stdin.resume();
  });
}

async function connectScenario() {
  const connectMs = [];
  const joinErrors = {};
  let joined = 0;
  const t0 = performance.now();
  let lastDone = t0;
  const ramped = await ramp(N, async (i) => {
    const r = await connect(viewerUrl(i));
    if (r.error) return false;
    connectMs.push(r.ms);
    if (opt.join) {
      const res = await call(r.socket, EV.JOIN, { room_id: opt.room });
      if (res.ok) joined++;
      else bump(joinErrors, ackError(res));
    }
    lastDone = performance.now();
  });
  const elapsed = lastDone - t0;
  const result = {
    ok: true,
    scenario: 'connect',
    urls: URLS,
    viewers: N,
    connected: connectMs.length,
    joined: opt.join ? joined : null,
    join_errors: joinErrors,
    failed: N - connectMs.length,
    connect_aborted: ramped.aborted,
    elapsed_ms: Math.round(elapsed),
    per_s: elapsed > 0 ? Math.round((connectMs.length / elapsed) * 1000) : null,
    connect_ms: summary(connectMs),
    concurrency: int('concurrency'),
    connect_errors: stats.connect_errors,
  };
  if (opt.hold) {
    const open = sockets.filter((s) => s.connected).length;
    process.stdout.write(`ready ${open}\n`);
    result.released_by = await waitForRelease(int('hold-ms'));
    result.open_at_release = sockets.filter((s) => s.connected).length;
  }
  result.disconnects = stats.disconnects;
  return result;
}

// ---------------------------------------------------------------------------------- main
async function main() {
  N = int('viewers');
  CONNECT_TIMEOUT = int('connect-timeout-ms');
  ACK_TIMEOUT = int('ack-timeout-ms');
  const fdLimit = checkEnvironment();
  const deadline = setTimeout(() => {
    const error = `deadline of ${opt['deadline-ms']} ms passed`;
    emitResult({ ok: false, scenario: opt.scenario, error }, 2);
  }, int('deadline-ms'));
  deadline.unref();
  const scenarios = { fanout, signups, connect: connectScenario };
  const run = scenarios[opt.scenario];
  if (!run) die(`unknown scenario ${opt.scenario} (fanout, signups, connect)`);
  const result = await run();
  result.loadgen = {
    node: process.version,
    fd_limit: Number.isFinite(fdLimit) ? fdLimit : null,
    rss_mb: Math.round(process.memoryUsage().rss / 1048576),
    cpus: os.cpus().length,
  };
  emitResult(result, 0);
}

main().catch((err) => {
  const error = err instanceof Fatal ? err.message : `crashed: ${(err && err.stack) || err}`;
  emitResult({ ok: false, scenario: opt.scenario, error }, 1);
});
