"""The catalog kept in step with the library system itself (``[[catalog.sources]]``).

- `sources`: a configured source, where its OAI-PMH is and how its copies are read;
- `holdings`: the copies of one record as the system's public interface tells them — SLiMS's
  OPAC detail page (the per-copy rows with their availability: on loan with its due date, not
  for loan, available), Koha's public REST API (``/api/v1/public/biblios/{id}/items``),
  INLISLite's OPAC detail page (each copy's status, without due dates); plain OAI-PMH
  repositories have only what their records carry;
- `state`: how each source's syncs went and when each book's copies were last read;
- `engine`: the incremental sync (what changed since the last one, then the stalest copies'
  status), the nightly full reconciliation (every record read again: edits a server dates by
  creation are seen, books the source no longer has are removed, unless too many) and the
  refresh of one book's copies while a member waits;
- `check`: `pustaka catalog check`, what the bot can read from each source, in plain words.

The catalog feature schedules the syncs with the durable scheduler (cogs/catalog).
"""
