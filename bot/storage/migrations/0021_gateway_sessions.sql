-- A gateway session a process opened, per platform and shard, so that the next start can resume
-- it once after a crash and keep what the gateway had delivered but the process had not stored
-- (bot/storage/gateway_sessions.py). `seq` is a point every event after which is replayed: at or
-- below the sequence number of any interaction not yet in the inbox.

CREATE TABLE gateway_sessions (
    platform   TEXT NOT NULL,
    shard      INTEGER NOT NULL,
    session_id TEXT NOT NULL,
    resume_url TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    owner      INTEGER,                  -- the process that opened it (bot/storage/owners.py)
    PRIMARY KEY (platform, shard)
);
