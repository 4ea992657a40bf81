-- The platform messages of the bot's posts whose responses are counted (a series post, an
-- announcement): a press on their buttons or a member's reply to them names the post
-- (bot/api/posts.py). No member is named; rows older than the statistics' year are dropped.

CREATE TABLE tracked_messages (
    platform    TEXT NOT NULL,
    channel_id  TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    post        TEXT NOT NULL,   -- as members saw it, e.g. 'Book of the day: Laskar Pelangi, 7 December'
    series      TEXT NOT NULL DEFAULT '',
    sent_at     TEXT NOT NULL,   -- UTC
    PRIMARY KEY (platform, channel_id, message_id)
);
CREATE INDEX tracked_messages_by_age ON tracked_messages (sent_at);
