"""A bakery's full backup: every stored record, one versioned JSON document (docs/backup.md).

Pure: `document` builds the backup from plain values, `reading` checks a backup and decodes it
(every problem named by its path), `retarget` moves what names the old bakery to the new one.
The application layer (`core.application.backups`) does the reads and writes.
"""
