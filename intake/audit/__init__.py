"""Security audit (安全审计): the append-only security log, what writes it, the auditor's pages,
and the backup and restore of data and uploads."""
