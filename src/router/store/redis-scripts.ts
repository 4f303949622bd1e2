/**
 * The Lua scripts of the Redis store. Each runs atomically on the server; windows use the
 * server's clock (`TIME`), so instances with skewed clocks agree. Numbers travel as strings
 * (Redis truncates Lua numbers in replies to integers). Every key a script writes gets a TTL.
 *
 * Key layout (under the store's prefix, default `tracegate:`), KEYS given by the caller:
 *   budget:<scope>:<value>:<window>:<windowId>    counter (string, INCRBYFLOAT)
 *   rl:<scope>:rpm|tpm                            sliding window: ZSET of `<amount>|<seq>` scored by ms
 *   rl:<scope>:rpm|tpm#m                          its HASH { sum, seq }
 *   breaker:<deployment>                          JSON record (compare-and-set)
 *   evalstat:… / evalcohort:… / evalstate:…        eval-routing windows and states
 *   cache:<sha256>                                JSON answer (PX ttl)
 *   cache#index / cache#exp / cache#sizes / cache#bytes
 *                                                 LRU order (ZSET by last use), expiry (ZSET), entry sizes
 *                                                 (HASH) and their total (counter): the cache's count and byte budget
 *   instances                                     ZSET heartbeat: instance id scored by last beat
 *
 * The hot path uses two scripts: `admit` (the caller key's windows, the breaker gate, every budget
 * reservation and the deployment's windows of one attempt, in one atomic call) and `settle` (the
 * settlement of any number of attempts: budget corrections, TPM corrections and closed-breaker
 * successes, in one call).
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const TTL_IF_NEW = `local function ttl_if_new(k, ms)
  if redis.call('PTTL', k) < 0 then redis.call('PEXPIRE', k, ms) end
end`;

/** Evicts the entries of window KEYS[i] (meta KEYS[i+1]) older than now - w; returns the sum. */
const WINDOW_EVICT = `local function amount_of(member)
  return tonumber(string.match(member, '^([^|]+)'))
end
local function evict(k, m, w)
  local cutoff = now - w
  local sum = tonumber(redis.call('HGET', m, 'sum') or '0')
  local old = redis.call('ZRANGEBYSCORE', k, '-inf', cutoff)
  if #old > 0 then
    for i = 1, #old do sum = sum - amount_of(old[i]) end
    redis.call('ZREMRANGEBYSCORE', k, '-inf', cutoff)
    if redis.call('ZCARD', k) == 0 then sum = 0 end
    redis.call('HSET', m, 'sum', tostring(sum))
  end
  return sum
end
local function retry_after(k, sum, amount, limit, w)
  local all = redis.call('ZRANGE', k, 0, -1, 'WITHSCORES')
  local s = sum
  for i = 1, #all, 2 do
    s = s - amount_of(all[i])
    if s + amount <= limit then return math.max(1, tonumber(all[i + 1]) + w - now) end
  end
  return w
end
local function add(k, m, amount_str, w)
  local seq = redis.call('HINCRBY', m, 'seq', 1)
  redis.call('ZADD', k, now, amount_str .. '|' .. seq)
  local sum = tonumber(redis.call('HGET', m, 'sum') or '0') + tonumber(amount_str)
  redis.call('HSET', m, 'sum', tostring(sum))
  redis.call('PEXPIRE', k, w + 1000)
  redis.call('PEXPIRE', m, w + 1000)
  return sum
end`;

/** A strictly increasing use mark for the LRU index (ms, or one more than the newest mark when within the same ms). */
const LRU_TICK = `local function tick(index)
  local top = redis.call('ZREVRANGE', index, 0, 0, 'WITHSCORES')
  if top[2] then return math.max(now, tonumber(top[2]) + 1) end
  return now
end`;

/** The cache's books (KEYS[2..5] of cacheSet): forget an entry, purge the expired ones. */
const CACHE_BOOKS = `${LRU_TICK}
local function forget(k)
  local size = redis.call('HGET', KEYS[4], k)
  if size then
    redis.call('DECRBY', KEYS[5], size)
    redis.call('HDEL', KEYS[4], k)
  end
  redis.call('ZREM', KEYS[2], k)
  redis.call('ZREM', KEYS[3], k)
end
local function purge_expired()
  local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now, 'LIMIT', 0, 100)
  for i = 1, #gone do forget(gone[i]) end
end`;

export const SCRIPTS = {
  /** KEYS[1] counter; ARGV amount, limit, ttlMs → {ok, value} */
  reserve: `${TTL_IF_NEW}
local v = tonumber(redis.call('GET', KEYS[1]) or '0')
if v >= tonumber(ARGV[2]) then return {0, tostring(v)} end
local nv = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
ttl_if_new(KEYS[1], ARGV[3])
return {1, nv}`,

  /** KEYS counters; ARGV amount, then limit_i, ttl_i per key → {1} or {0, index (1-based), value} */
  reserveAll: `${TTL_IF_NEW}
for i = 1, #KEYS do
  local v = tonumber(redis.call('GET', KEYS[i]) or '0')
  if v >= tonumber(ARGV[2 * i]) then return {0, i, tostring(v)} end
end
for i = 1, #KEYS do
  redis.call('INCRBYFLOAT', KEYS[i], ARGV[1])
  ttl_if_new(KEYS[i], ARGV[2 * i + 1])
end
return {1}`,

  /** KEYS[1] counter; ARGV amount, ttlMs → new value */
  increment: `${TTL_IF_NEW}
local nv = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
ttl_if_new(KEYS[1], ARGV[2])
return nv`,

  /** KEYS window, meta; ARGV amount, windowMs, limit ('' = none) → {ok, used, retryAfterMs} */
  windowAdd: `${NOW}
${WINDOW_EVICT}
local w = tonumber(ARGV[2])
local amount = tonumber(ARGV[1])
local sum = evict(KEYS[1], KEYS[2], w)
if ARGV[3] ~= '' and sum + amount > tonumber(ARGV[3]) then
  return {0, tostring(sum), tostring(retry_after(KEYS[1], sum, amount, tonumber(ARGV[3]), w))}
end
return {1, tostring(add(KEYS[1], KEYS[2], ARGV[1], w))}`,

  /** KEYS window, meta; ARGV windowMs → used */
  windowUsage: `${NOW}
${WINDOW_EVICT}
return tostring(evict(KEYS[1], KEYS[2], tonumber(ARGV[1])))`,

  /**
   * Compare-and-set of a JSON value. KEYS[1]; ARGV hadOld ('1'/'0'), old, hasNew ('1'/'0'), new,
   * ttlMs → 1 when written, 0 when the value changed meanwhile.
   */
  cas: `local cur = redis.call('GET', KEYS[1])
if ARGV[1] == '0' then
  if cur then return 0 end
elseif cur ~= ARGV[2] then
  return 0
end
if ARGV[3] == '0' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5]) end
return 1`,

  /**
   * KEYS entry, index (LRU ZSET), exp (expiry ZSET), sizes (HASH), bytes (counter); ARGV value,
   * ttlMs, maxEntries, maxBytes, entryBytes → evicted count. Expired entries leave the books first,
   * then the least recently used go until the count and the byte total fit.
   */
  cacheSet: `${NOW}
${CACHE_BOOKS}
local ttl = tonumber(ARGV[2])
purge_expired()
forget(KEYS[1])
local size = tonumber(ARGV[5])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('HSET', KEYS[4], KEYS[1], size)
redis.call('ZADD', KEYS[2], tick(KEYS[2]), KEYS[1])
redis.call('ZADD', KEYS[3], now + ttl, KEYS[1])
redis.call('INCRBY', KEYS[5], size)
local evicted = 0
while redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[3]) or tonumber(redis.call('GET', KEYS[5]) or '0') > tonumber(ARGV[4]) do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)
  if #oldest == 0 then break end
  forget(oldest[1])
  redis.call('DEL', oldest[1])
  evicted = evicted + 1
end
local keep = math.max(ttl, redis.call('PTTL', KEYS[2]))
for i = 2, 5 do redis.call('PEXPIRE', KEYS[i], keep) end
return evicted`,

  /** KEYS entry, index; → the value (nil when absent), marking it recently used */
  cacheGet: `${NOW}
${LRU_TICK}
local v = redis.call('GET', KEYS[1])
if v then redis.call('ZADD', KEYS[2], 'XX', tick(KEYS[2]), KEYS[1]) end
return v`,

  /**
   * One attempt's admission, atomically. ARGV and KEYS are read in order:
   *   call windows (the caller key's RPM/TPM, added once per call): n, then per window
   *     KEYS window, meta; ARGV amount, windowMs, limit — all or none; refused → nothing else
   *   gate: '1' + KEYS breaker record, or '0' — the attempt goes on only while the record is
   *     absent or closed (any other state: the caller's compare-and-set path decides; the call
   *     windows stay added)
   *   budgets: n, amount, then per budget KEYS counter; ARGV limit, ttlMs
   *   attempt windows (the deployment's RPM/TPM): n, then as call windows
   * Budgets and attempt windows are reserved all or none.
   * → {'ok'} | {'call', i, used, retryAfterMs} | {'gate', record} | {'budget', i, value} | {'window', i, used, retryAfterMs}
   */
  admit: `${NOW}
${WINDOW_EVICT}
${TTL_IF_NEW}
local ki, ai = 0, 0
local function key() ki = ki + 1; return KEYS[ki] end
local function arg() ai = ai + 1; return ARGV[ai] end
local function windows()
  local out = {}
  for i = 1, tonumber(arg()) do
    out[i] = { k = key(), m = key(), amount = arg(), w = tonumber(arg()), limit = tonumber(arg()) }
  end
  return out
end
local function refused(list)
  for i, x in ipairs(list) do
    local sum = evict(x.k, x.m, x.w)
    local amount = tonumber(x.amount)
    if sum + amount > x.limit then return i, sum, retry_after(x.k, sum, amount, x.limit, x.w) end
  end
  return nil
end
local calls = windows()
local gate = nil
if arg() == '1' then gate = key() end
local budgets = {}
local nb = tonumber(arg())
local amount = arg()
for i = 1, nb do budgets[i] = { k = key(), limit = tonumber(arg()), ttl = arg() } end
local attempt = windows()

local i, used, retry = refused(calls)
if i then return {'call', i, tostring(used), tostring(retry)} end
for _, x in ipairs(calls) do add(x.k, x.m, x.amount, x.w) end
if gate then
  local raw = redis.call('GET', gate)
  if raw then
    local ok, rec = pcall(cjson.decode, raw)
    if not ok or type(rec) ~= 'table' or rec.state ~= 'closed' then return {'gate', raw} end
  end
end
for n, b in ipairs(budgets) do
  local v = tonumber(redis.call('GET', b.k) or '0')
  if v >= b.limit then return {'budget', n, tostring(v)} end
end
i, used, retry = refused(attempt)
if i then return {'window', i, tostring(used), tostring(retry)} end
for _, b in ipairs(budgets) do
  redis.call('INCRBYFLOAT', b.k, amount)
  ttl_if_new(b.k, b.ttl)
end
for _, x in ipairs(attempt) do add(x.k, x.m, x.amount, x.w) end
return {'ok'}`,

  /**
   * Settlement of attempts, in one call. ARGV[1] = number of ops, then 5 ARGV per op:
   *   'i', amount, ttlMs            KEYS counter                 (budget correction)
   *   'w', amount, windowMs         KEYS window, meta            (TPM correction, no limit)
   *   'b', now, windowMs, buckets, ttlMs   KEYS breaker record   (a success on a closed breaker:
   *        its bucket count and consecutive failures, as breaker.ts records it; any other state → 0,
   *        and the caller records it through its compare-and-set path)
   * → one result per op: '1' done, '0' breaker not closed
   */
  settle: `${NOW}
${WINDOW_EVICT}
${TTL_IF_NEW}
local function breaker_success(k, at, w, nbuckets, ttl)
  local raw = redis.call('GET', k)
  local rec
  if raw then
    local ok, r = pcall(cjson.decode, raw)
    if not ok or type(r) ~= 'table' or r.state ~= 'closed' or type(r.buckets) ~= 'table' then return '0' end
    rec = r
  else
    rec = { state = 'closed', consecutive = 0, buckets = {}, probes = 0 }
  end
  local width = math.max(1, math.floor(w / nbuckets))
  local start = at - (at % width)
  local kept = {}
  for _, b in ipairs(rec.buckets) do
    if b.start > at - w then kept[#kept + 1] = b end
  end
  local last = kept[#kept]
  if last and last.start == start then last.ok = last.ok + 1 else kept[#kept + 1] = { start = start, ok = 1, fail = 0 } end
  rec.buckets = kept
  rec.consecutive = 0
  redis.call('SET', k, cjson.encode(rec), 'PX', ttl)
  return '1'
end
local out = {}
local ki = 0
for n = 1, tonumber(ARGV[1]) do
  local a = 1 + (n - 1) * 5
  local op = ARGV[a + 1]
  if op == 'i' then
    ki = ki + 1
    redis.call('INCRBYFLOAT', KEYS[ki], ARGV[a + 2])
    ttl_if_new(KEYS[ki], ARGV[a + 3])
    out[n] = '1'
  elseif op == 'w' then
    local w = tonumber(ARGV[a + 3])
    evict(KEYS[ki + 1], KEYS[ki + 2], w)
    add(KEYS[ki + 1], KEYS[ki + 2], ARGV[a + 2], w)
    ki = ki + 2
    out[n] = '1'
  else
    ki = ki + 1
    out[n] = breaker_success(KEYS[ki], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), ARGV[a + 5])
  end
end
return out`,

  /** KEYS heartbeat set; ARGV instance id, staleMs → instances seen */
  heartbeat: `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZCARD', KEYS[1])`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
