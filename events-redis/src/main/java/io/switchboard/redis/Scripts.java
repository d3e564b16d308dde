package io.switchboard.redis;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;

/**
 * The Lua scripts of the bus. Each runs atomically on the server, which is what makes leases, duplicate suppression
 * and trimming safe across instances. Scripts are called by SHA and sent in full only when the server does not know
 * them (first use, or after a restart flushed its script cache).
 */
final class Scripts {

    /** A script and its SHA-1. */
    record Script(String name, String source, String sha) {
        static Script of(String name, String source) {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
                return new Script(name, source, HexFormat.of().formatHex(digest));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Membership and leases of one subscription, in one round trip. KEYS[1]: the group's member set (sorted by expiry
     * on the server's clock); KEYS[2..]: the shards' lease keys. ARGV: member, lease ms, acquire (1/0), then the
     * shard indexes in the member's order of preference. Registers the member, drops expired ones, renews the leases
     * the member holds, and — if it holds fewer than its fair share — takes free shards in its order of preference.
     * Fair shares add up to the shard count: each live member gets shards / members, and the first (shards mod
     * members) members in name order one more; a member above its share gives shards away. Returns {live members, fair share, {owned shard indexes}}.
     */
    static final Script HEARTBEAT = Script.of("heartbeat", """
            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            local member = ARGV[1]
            local lease = tonumber(ARGV[2])
            redis.call('ZADD', KEYS[1], now + lease, member)
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            redis.call('PEXPIRE', KEYS[1], lease * 3)
            local members = redis.call('ZRANGE', KEYS[1], 0, -1)
            table.sort(members)
            local count = #members
            local rank = 0
            for i, m in ipairs(members) do
              if m == member then rank = i - 1 end
            end
            local n = #KEYS - 1
            local share = math.floor(n / count)
            if rank < n % count then share = share + 1 end
            local owned = {}
            for i = 2, #KEYS do
              if redis.call('GET', KEYS[i]) == member then
                redis.call('PEXPIRE', KEYS[i], lease)
                owned[#owned + 1] = i - 2
              end
            end
            if ARGV[3] == '1' then
              for j = 4, #ARGV do
                if #owned >= share then break end
                local s = tonumber(ARGV[j])
                if redis.call('SET', KEYS[s + 2], member, 'NX', 'PX', lease) then
                  owned[#owned + 1] = s
                end
              end
            end
            return {count, share, owned}
            """);

    /** Deletes lease KEYS[1] if ARGV[1] holds it (compare-and-delete). */
    static final Script RELEASE = Script.of("release", """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0
            """);

    /** Removes member ARGV[1] from the member set KEYS[1] (a clean leave). */
    static final Script LEAVE = Script.of("leave", """
            return redis.call('ZREM', KEYS[1], ARGV[1])
            """);

    /**
     * Publish with duplicate suppression: adds the entry to stream KEYS[1] only if marker KEYS[2] (the event's
     * source and id) was not set within the window; the marker is set with the window as expiry. ARGV: window ms,
     * max length (0: none), then field, value, field, value… Returns the entry id, or nil for a duplicate.
     */
    static final Script PUBLISH_ONCE = Script.of("publish-once", """
            if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) then return false end
            if ARGV[2] ~= '0' then
              return redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', unpack(ARGV, 3))
            end
            return redis.call('XADD', KEYS[1], '*', unpack(ARGV, 3))
            """);

    /**
     * Records the shard count of a topic (KEYS[1], field {@code shards}) unless one is recorded; returns the recorded
     * one, so members and publishers configured differently are caught.
     */
    static final Script SHARD_COUNT = Script.of("shard-count", """
            redis.call('HSETNX', KEYS[1], 'shards', ARGV[1])
            return redis.call('HGET', KEYS[1], 'shards')
            """);

    /**
     * Housekeeping of stream KEYS[1] by its owner. Deletes consumers of group ARGV[1] that have no pending entry and
     * were idle longer than ARGV[2] ms (members that crashed or left). If ARGV[3] is 1, trims the stream below the
     * oldest entry any of its groups has not acknowledged: per group, its oldest pending entry, else its last
     * delivered entry (everything after that is undelivered). {@code MINID ~} trims whole nodes only, so it removes
     * at most that much, usually less. A stream without groups is not trimmed. Returns the number of entries removed.
     */
    static final Script HOUSEKEEPING = Script.of("housekeeping", """
            local function older(a, b)
              local am, as = string.match(a, '(%d+)-(%d+)')
              local bm, bs = string.match(b, '(%d+)-(%d+)')
              am, as, bm, bs = tonumber(am), tonumber(as), tonumber(bm), tonumber(bs)
              return am < bm or (am == bm and as < bs)
            end
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local consumers = redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])
            for _, c in ipairs(consumers) do
              local name, pending, idle
              for i = 1, #c, 2 do
                if c[i] == 'name' then name = c[i + 1] elseif c[i] == 'pending' then pending = c[i + 1]
                elseif c[i] == 'idle' then idle = c[i + 1] end
              end
              if pending == 0 and idle > tonumber(ARGV[2]) then
                redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name)
              end
            end
            if ARGV[3] ~= '1' then return 0 end
            local groups = redis.call('XINFO', 'GROUPS', KEYS[1])
            if #groups == 0 then return 0 end
            local min = nil
            for _, g in ipairs(groups) do
              local name, last
              for i = 1, #g, 2 do
                if g[i] == 'name' then name = g[i + 1] elseif g[i] == 'last-delivered-id' then last = g[i + 1] end
              end
              local candidate = last
              local p = redis.call('XPENDING', KEYS[1], name)
              if p[1] > 0 then candidate = p[2] end
              if min == nil or older(candidate, min) then min = candidate end
            end
            return redis.call('XTRIM', KEYS[1], 'MINID', '~', min)
            """);

    private Scripts() {
    }

    /** Runs {@code script} by SHA, sending its source only if the server does not know it. */
    static <T> CompletableFuture<T> run(RedisAsyncCommands<String, byte[]> redis, Script script, ScriptOutputType type,
                                        String[] keys, byte[]... args) {
        CompletableFuture<T> bySha = redis.<T>evalsha(script.sha(), type, keys, args).toCompletableFuture();
        return bySha.handle((result, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(result);
            }
            if (Lanes.unwrap(error) instanceof RedisNoScriptException) {
                return redis.<T>eval(script.source(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(Lanes.unwrap(error));
        }).thenCompose(f -> f);
    }

    static byte[] arg(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] arg(long n) {
        return Long.toString(n).getBytes(StandardCharsets.UTF_8);
    }
}
