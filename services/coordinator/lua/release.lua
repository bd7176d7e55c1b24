-- Frees the lease's slot if it still holds it, and tells waiting replicas.
-- ARGV: slots, leaseMs, leaseId
-- Returns {'released', workload, class, grantedAt} | {'gone'}
local id = ARGV[3]
guard_restart(tonumber(ARGV[1]), tonumber(ARGV[2]))
local lease = redis.call('HMGET', lease_key(id), 'slot', 'workload', 'class', 'grantedAt')
redis.call('DEL', lease_key(id))
if lease[1] and redis.call('GET', slot_key(lease[1])) == id then
  redis.call('DEL', slot_key(lease[1]))
  redis.call('PUBLISH', FREED, id)
  return {'released', lease[2], lease[3], lease[4]}
end
return {'gone'}
