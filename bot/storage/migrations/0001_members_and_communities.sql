-- legacy: 1
-- Members and the communities (Discord guilds, Telegram groups, the console) they write in.
-- A member is keyed by (platform, platform_id); other tables reference our own integer ids.

CREATE TABLE communities (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL CHECK (platform IN ('console', 'telegram', 'discord')),
    platform_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    locale      TEXT CHECK (locale IN ('id', 'en')),   -- NULL: the bot's default
    timezone    TEXT,                                  -- NULL: the bot's default
    created_at  TEXT NOT NULL,
    UNIQUE (platform, platform_id)
);

CREATE TABLE members (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL CHECK (platform IN ('console', 'telegram', 'discord')),
    platform_id     TEXT NOT NULL,
    display_name    TEXT NOT NULL DEFAULT '',
    locale          TEXT CHECK (locale IN ('id', 'en')),  -- chosen with /lang
    platform_locale TEXT,                                 -- last language the platform reported
    created_at      TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    UNIQUE (platform, platform_id)
);

CREATE TABLE community_members (
    community_id  INTEGER NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
    member_id     INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    PRIMARY KEY (community_id, member_id)
) WITHOUT ROWID;

CREATE INDEX community_members_by_member ON community_members (member_id);
