"""On PostgreSQL the database itself keeps the ledger append-only and balanced: a trigger
refuses any UPDATE or DELETE of an entry, and a constraint trigger, deferred to the
commit, refuses a transaction that leaves a posting whose amounts do not sum to zero.
(TRUNCATE, which only an operator or the test runner's flush uses, is not a row change.)
SQLite has neither; there the models and the one posting service refuse the same."""

from django.db import migrations

CREATE = [
    """
    CREATE OR REPLACE FUNCTION recruitment_ledger_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'recruitment ledger entries are append-only (% refused)', TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER recruitment_ledger_append_only
        BEFORE UPDATE OR DELETE ON recruitment_ledgerentry
        FOR EACH ROW EXECUTE FUNCTION recruitment_ledger_append_only()
    """,
    """
    CREATE OR REPLACE FUNCTION recruitment_ledger_balanced() RETURNS trigger AS $$
    BEGIN
        IF (SELECT COALESCE(SUM(amount), 0) FROM recruitment_ledgerentry
            WHERE posting = NEW.posting) <> 0 THEN
            RAISE EXCEPTION 'recruitment ledger posting % does not balance', NEW.posting
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE CONSTRAINT TRIGGER recruitment_ledger_balanced
        AFTER INSERT ON recruitment_ledgerentry
        DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW EXECUTE FUNCTION recruitment_ledger_balanced()
    """,
]

DROP = [
    "DROP TRIGGER IF EXISTS recruitment_ledger_balanced ON recruitment_ledgerentry",
    "DROP FUNCTION IF EXISTS recruitment_ledger_balanced()",
    "DROP TRIGGER IF EXISTS recruitment_ledger_append_only ON recruitment_ledgerentry",
    "DROP FUNCTION IF EXISTS recruitment_ledger_append_only()",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0002_terms")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
