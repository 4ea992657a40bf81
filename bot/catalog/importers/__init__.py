"""Reading catalogs exported by library systems into `Record`s.

Every parser yields `Record`s and `Skipped` items (a broken record is reported with its number and
the reason, never raised), and raises `CatalogFileError` at once for a file it cannot read at all.

- slims_csv: the CSV export of SLiMS (Senayan), `<A><B>` multi-values, any separator;
- generic_csv: a spreadsheet with the documented columns (id, title, authors, …);
- marc: MARC21 binary and MARCXML, with Koha 952 and 852 holdings;
- detect: which of these a file is; load: a file into the catalog;
- commands: `pustaka catalog import` and `harvest` (bot/catalog/harvest.py does OAI-PMH);
- base, table, names, languages: what the parsers share.
"""
