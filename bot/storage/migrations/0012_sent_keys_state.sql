-- A message key is 'sending' from just before its message goes to the platform until the
-- platform took it. One still 'sending' at start was cut by a crash: its outcome is unknown, so
-- it is sent again (Scheduler.recover) rather than lost.
ALTER TABLE sent_keys ADD COLUMN state TEXT NOT NULL DEFAULT 'sent'
    CHECK (state IN ('sending', 'sent'));
