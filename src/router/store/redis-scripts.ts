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
 *   cache:<sha256>                                JSON answer (PX ttl); cache#index ZSET bounds the count
 *   instances                                     ZSET heartbeat: instance id scored by last beat
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

  /** KEYS entry, index; ARGV value, ttlMs, maxEntries → evicted count */
  cacheSet: `${NOW}
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('PEXPIRE', KEYS[2], math.max(tonumber(ARGV[2]), tonumber(redis.call('PTTL', KEYS[2]))))
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[3])
if over <= 0 then return 0 end
local victims = redis.call('ZRANGE', KEYS[2], 0, over - 1)
for i = 1, #victims do redis.call('DEL', victims[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, over - 1)
return over`,

  /** KEYS heartbeat set; ARGV instance id, staleMs → instances seen */
  heartbeat: `${NOW}
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) * 2)
return redis.call('ZCARD', KEYS[1])`,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
