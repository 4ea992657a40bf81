-- The web dashboard's logins (bot/storage/web.py). A moderator's /dashboard gives a one-time link
-- (`web_links`: single use, ten minutes); opening it starts a session (`web_sessions`: ends after a
-- day without use, or with /dashboard logout-all). Only SHA-256 hashes of the link and session
-- tokens are kept, so a copy of the database opens nothing. `who` is the moderator as the
-- command saw them (platform, ids, community; JSON), replayed as that moderator's context.

CREATE TABLE web_links (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    who        TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX web_links_by_member ON web_links (platform, member_id, created_at);

CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    platform   TEXT NOT NULL,
    member_id  TEXT NOT NULL,
    who        TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    locale     TEXT,
    notice     TEXT,
    created_at TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
CREATE INDEX web_sessions_by_member ON web_sessions (platform, member_id);
