-- Several processes may share a PostgreSQL database: work one of them holds carries its number
-- (Store.owner), so that only work whose process stopped is taken back (bot/storage/owners.py):
-- a job it runs, a message key it is sending, a message in its outbox queues, an update it
-- handles. NULL (rows from before) counts as a stopped process's.

ALTER TABLE jobs ADD COLUMN owner INTEGER;
ALTER TABLE sent_keys ADD COLUMN owner INTEGER;
ALTER TABLE outbox ADD COLUMN owner INTEGER;
ALTER TABLE inbox ADD COLUMN owner INTEGER;
