/**
 * The SDK's sliding-window arithmetic (`@kith/sdk` rate-limit/window.ts) in Lua, run as one
 * script over every bucket a send touches: Redis runs scripts one at a time, so finding the
 * earliest common slot and spending a token in each bucket is atomic across all workers.
 *
 * KEYS: the bucket keys. ARGV: now, then max and perMs for each key in order.
 * A bucket is stored as a comma-separated ascending list of reservation times, expiring when
 * its last token comes back.
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

local function fits(log, max, per, t)
  local from = lb(log, t - per + 1)
  local to = lb(log, t + per)
  if to - from < max then return true end
  local times = {}
  for k = from, to - 1 do times[#times + 1] = log[k] end
  table.insert(times, lb(times, t), t)
  local i = 1
  for j = 1, #times do
    while times[j] - times[i] >= per do i = i + 1 end
    if j - i + 1 > max and times[i] <= t and t <= times[j] then return false end
  end
  return true
end

local function earliest(log, max, per, from)
  if fits(log, max, per, from) then return from end
  for i = lb(log, from - per + 1), #log do
    local t = log[i] + per
    if t > from and fits(log, max, per, t) then return t end
  end
  return log[#log] + per
end

local now = tonumber(ARGV[1])
local byKey = {}
local states = {}
for n = 1, #KEYS do
  local key = KEYS[n]
  local b = byKey[key]
  if b == nil then
    local log = {}
    local raw = redis.call('GET', key)
    if raw then
      for s in string.gmatch(raw, '[^,]+') do log[#log + 1] = tonumber(s) end
    end
    b = { key = key, log = log }
    byKey[key] = b
  end
  b.max = tonumber(ARGV[2 * n])
  b.per = tonumber(ARGV[2 * n + 1])
  states[n] = b
end

local t = now
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
    local parts = {}
    for k = 1, #b.log do parts[k] = string.format('%.0f', b.log[k]) end
    redis.call('SET', key, table.concat(parts, ','), 'PX', string.format('%.0f', last + b.per - now))
  end
end

return string.format('%.0f', t)
`;
