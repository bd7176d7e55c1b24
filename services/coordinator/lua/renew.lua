-- Extends a lease held on its slot. While grants are held after a Redis
-- restart, a holder that presents its slot re-adopts it when nobody has.
-- ARGV: slots, leaseMs, leaseId, slot (-1: unknown), workload, class, holder
-- Returns {'renewed', slot, expiresAt} | {'readopted', slot, expiresAt} | {'lost'}
local slots, lease_ms, id, claimed = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
guard_restart(slots, lease_ms)
local now = now_ms()

local slot = tonumber(redis.call('HGET', lease_key(id), 'slot'))
if slot and slot < slots and redis.call('GET', slot_key(slot)) == id then
  redis.call('PEXPIRE', slot_key(slot), lease_ms)
  redis.call('PEXPIRE', lease_key(id), lease_ms)
  return {'renewed', slot, now + lease_ms}
end

local adoptable = claimed >= 0 and claimed < slots and redis.call('EXISTS', HOLD) == 1
if adoptable and redis.call('EXISTS', slot_key(claimed)) == 0 then
  occupy(claimed, id, lease_ms, {'workload', ARGV[5], 'class', ARGV[6], 'holder', ARGV[7], 'grantedAt', now})
  return {'readopted', claimed, now + lease_ms}
end
return {'lost'}
