"""The library's catalog: records, the searchable store, importers and Open Library."""
