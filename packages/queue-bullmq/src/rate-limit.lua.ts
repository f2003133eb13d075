/**
 * The SDK's sliding-window arithmetic (`@kith/sdk` rate-limit/window.ts) in Lua, run as one
 * script over every bucket a send touches: Redis runs scripts one at a time, so finding the
 * earliest common slot and spending a token in each bucket is atomic across all workers.
 *
 * KEYS: the bucket keys, then the boot marker. ARGV: now, Redis's run id (empty: asked of Redis
 * here), then max and perMs for each bucket in order. A bucket is stored as the ascending list of
 * its reservation times (MessagePack), expiring when its last token comes back.
 *
 * The boot marker (a hash: run id, and when a restart was first seen) is how a restart is noticed
 * in the same atomic step as the booking: a Redis that restarted lost the bookings of its last
 * moments (even with AOF, up to a second of writes), so until the longest window of a send has
 * passed since the restart was seen, no slot is booked — otherwise a bucket could take its whole
 * budget again on top of sends the provider already counted. A marker written by an earlier run
 * and restored from the AOF is what tells a restart; no marker at all is a first use (nothing held).
 */
export const RESERVE_SCRIPT = `
local function lb(log, t)
  local lo, hi = 1, #log + 1
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if log[mid] < t then lo = mid + 1 else hi = mid end
  end
  return lo
end

-- the earliest instant >= from outside every interval (a[j+max-1] - per, a[j] + per) of max
-- reservations that fit in one window: the sweep of window.ts's earliestSlot
local function earliest(log, max, per, from)
  local t = from
  local j = lb(log, from - per + 1)
  while j + max - 1 <= #log do
    local last = log[j + max - 1]
    if last - per >= t then break end
    if last - log[j] < per and log[j] + per > t then t = log[j] + per end
    j = j + 1
  end
  return t
end

-- a bucket's log is a MessagePack array (decoded in C: a connection with thousands of sends
-- queued is read and written in microseconds); the comma-separated text of earlier versions is
-- still read, for the keys alive at an upgrade
local function decode(raw)
  if not raw then return {} end
  local c = string.byte(raw, 1)
  if c ~= nil and c >= 48 and c <= 57 then
    local log = {}
    for s in string.gmatch(raw, '[^,]+') do log[#log + 1] = tonumber(s) end
    return log
  end
  return cmsgpack.unpack(raw)
end

local now = tonumber(ARGV[1])
local count = #KEYS - 1
local marker = KEYS[#KEYS]
local run = ARGV[2]
-- a Redis-compatible server without a run id: restarts go unnoticed, as they would without AOF
if run == '' then run = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') or 'none' end
local seen = redis.call('HMGET', marker, 'run', 'at')
local restartedAt = nil
if seen[1] == false then
  redis.call('HSET', marker, 'run', run, 'at', '')
elseif seen[1] ~= run then
  redis.call('HSET', marker, 'run', run, 'at', string.format('%.0f', now))
  restartedAt = now
elseif seen[2] ~= '' then
  restartedAt = tonumber(seen[2])
end

local byKey = {}
local states = {}
local longest = 0
for n = 1, count do
  local key = KEYS[n]
  local b = byKey[key]
  if b == nil then
    b = { key = key, log = decode(redis.call('GET', key)) }
    byKey[key] = b
  end
  b.max = tonumber(ARGV[2 * n + 1])
  b.per = tonumber(ARGV[2 * n + 2])
  if b.per > longest then longest = b.per end
  states[n] = b
end

local t = now
if restartedAt ~= nil and restartedAt + longest > t then t = restartedAt + longest end
while true do
  local moved = false
  for n = 1, #states do
    local b = states[n]
    local e = earliest(b.log, b.max, b.per, t)
    if e > t then
      t = e
      moved = true
    end
  end
  if not moved then break end
end

for n = 1, #states do
  local b = states[n]
  table.insert(b.log, lb(b.log, t + 1), t)
  local stale = lb(b.log, now - b.per + 1) - 1
  if stale > 0 then
    local kept = {}
    for k = stale + 1, #b.log do kept[#kept + 1] = b.log[k] end
    b.log = kept
  end
end

for key, b in pairs(byKey) do
  local last = b.log[#b.log]
  if last == nil or last + b.per <= now then
    redis.call('DEL', key)
  else
    redis.call('SET', key, cmsgpack.pack(b.log), 'PX', string.format('%.0f', last + b.per - now))
  end
end

return string.format('%.0f', t)
`;
