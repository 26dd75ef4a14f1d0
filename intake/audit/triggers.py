"""The security log is append-only in the database itself, whatever the code above it does.

PostgreSQL and SQLite triggers refuse every UPDATE of `intake_securityevent`, and a DELETE of any
entry younger than the retention (180 days, the Cybersecurity Law's minimum for network logs).
The purge command deletes older entries only, and the database would refuse it anything newer.
(Statement-level wipes — TRUNCATE, DROP — need the table owner's rights, like dropping the
triggers themselves: production runs the application with its own database role, see README.)
"""

TABLE = "intake_securityevent"
RETENTION_DAYS = 180
APPEND_ONLY = "security log is append-only"
TOO_YOUNG = f"security log entries are kept {RETENTION_DAYS} days"

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION intake_securityevent_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        -- clock_timestamp(), not now(): never earlier than the cut-off the purge computed.
        IF OLD.at > clock_timestamp() - interval '{RETENTION_DAYS} days' THEN
            RAISE EXCEPTION '{TOO_YOUNG}' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN OLD;
    END
    $$ LANGUAGE plpgsql
    """,
    f"DROP TRIGGER IF EXISTS intake_securityevent_append_only ON {TABLE}",
    f"""
    CREATE TRIGGER intake_securityevent_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION intake_securityevent_guard()
    """,
]
POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS intake_securityevent_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS intake_securityevent_guard()",
]

# Django stores SQLite datetimes as UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]", which compares as
# text with datetime('now', …) in the same format.
SQLITE_INSTALL = [
    f"""
    CREATE TRIGGER IF NOT EXISTS intake_securityevent_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS intake_securityevent_no_early_delete BEFORE DELETE ON {TABLE}
    WHEN OLD.at > datetime('now', '-{RETENTION_DAYS} days')
    BEGIN SELECT RAISE(ABORT, '{TOO_YOUNG}'); END
    """,
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS intake_securityevent_no_update",
    "DROP TRIGGER IF EXISTS intake_securityevent_no_early_delete",
]


def _statements(connection, install):
    if connection.vendor == "postgresql":
        return POSTGRESQL_INSTALL if install else POSTGRESQL_UNINSTALL
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_UNINSTALL
    raise NotImplementedError(f"no append-only triggers for {connection.vendor}")


def install(connection):
    with connection.cursor() as cursor:
        for sql in _statements(connection, True):
            cursor.execute(sql)


def uninstall(connection):
    """Only for the migration's reverse and for emptying a test database between tests."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, False):
            cursor.execute(sql)
