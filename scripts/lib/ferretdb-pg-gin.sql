-- GIN companions for FerretDB's indexes, in the `ferretdb` database of the private PostgreSQL
-- cluster that scripts/services.sh runs for FerretDB's postgresql handler. Applied by
-- scripts/services.sh at every start, before FerretDB starts; safe to apply again (idempotent).
--
-- Why: FerretDB 1.24 turns a top-level equality filter (`{_id: x}`, `{wallet_id: w}`, ...) into
--   SELECT _jsonb FROM "<db>"."<table>" WHERE _jsonb->$1 @> $2
-- (a prepared statement, the key as a parameter), but builds its own indexes as btree
-- `((_jsonb->'field'))`. A btree cannot answer the containment operator `@>`, so every query,
-- `_id` lookups included, reads the whole table. A GIN index `((_jsonb->'field') jsonb_path_ops)`
-- answers exactly that `@>`, so the same statement becomes a Bitmap Index Scan.
--
-- What: an event trigger on CREATE INDEX gives every FerretDB btree index on `(_jsonb -> 'field')`
-- (single-field indexes, `_id_` included, and the leading field of compound ones, which is the
-- equality field of the queries they were made for) a GIN companion on the same table, named
-- `<table>_<md5(field)[0:8]>_fdb_gin`. FerretDB issues `CREATE TABLE` and then, separately,
-- `CREATE UNIQUE INDEX` for `_id_` (tag `CREATE INDEX`), so the trigger only needs `CREATE INDEX`.
-- FerretDB's own indexes are left as they are: unique ones still enforce uniqueness on insert
-- (duplicate key 11000); the GIN indexes only serve reads. When FerretDB drops an index
-- (`DROP INDEX`), companions whose field no longer has a FerretDB index are dropped too; dropping
-- a collection drops its table and with it every index. FerretDB's own bookkeeping tables
-- (`_ferretdb_*`) are skipped. A failure here is logged as a WARNING and never fails FerretDB's
-- command.
--
-- Pending list: a GIN index normally collects new entries in a pending list (`fastupdate`) that
-- every scan reads in full until VACUUM merges it. Under a steady stream of inserts (the ledger) that
-- list is always there: a 100-entry `page_key` read took 4 ms inside PostgreSQL instead of 0.04 ms,
-- and an `_id` lookup through FerretDB 4.2 ms instead of 1.0 ms (p50). The companions are made with
-- `fastupdate = off`, so each insert updates the index itself and scans stay index-only.
--
-- Plans: PostgreSQL's default (`plan_cache_mode = auto`). A lookup's custom plan (the GIN index) is
-- cheaper than its generic plan (a scan, `_jsonb->$1` matches no index expression), so PostgreSQL
-- keeps planning lookups with the actual key, while inserts run a cached generic plan. Forcing
-- custom plans (`force_custom_plan`, set here before) replanned every statement and lost on every
-- write measure in two runs of `bench:compare --settings` (docs/performance.md "Database
-- settings"); the RESET below takes it off databases that still have it.

-- Settings (psql variables from scripts/services.sh, for measuring each one against its
-- alternative; docs/performance.md "Database settings"): `gin` on|off (off: no companions, existing
-- ones dropped), `fastupdate` off|on for the companions. Stored on the database for FerretDB's
-- connections and set in this session for the backfill below.
ALTER DATABASE ferretdb RESET plan_cache_mode;
ALTER DATABASE ferretdb SET dompet.fdb_gin = :'gin';
ALTER DATABASE ferretdb SET dompet.fdb_gin_fastupdate = :'fastupdate';
SET dompet.fdb_gin = :'gin';
SET dompet.fdb_gin_fastupdate = :'fastupdate';

-- The GIN companion's name for `field` on `tbl` (one per table and field; at most 63 bytes).
CREATE OR REPLACE FUNCTION public.dompet_fdb_gin_name(tbl name, field text) RETURNS name
LANGUAGE sql IMMUTABLE AS $$
  SELECT (left(tbl, 40) || '_' || left(md5(field), 8) || '_fdb_gin')::name
$$;

-- Brings one table's GIN companions in line with its FerretDB btree indexes: creates the missing
-- ones, drops the ones whose field lost its FerretDB index. Returns how many it created.
CREATE OR REPLACE FUNCTION public.dompet_fdb_gin_sync(tbl oid) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  sch name;
  rel name;
  f text;
  fields text[];
  idx record;
  created integer := 0;
  fastupdate text := CASE WHEN current_setting('dompet.fdb_gin_fastupdate', true) = 'on' THEN 'on' ELSE 'off' END;
BEGIN
  SELECT n.nspname, c.relname INTO sch, rel
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.oid = tbl AND c.relkind = 'r';
  IF rel IS NULL OR rel LIKE '\_ferretdb\_%' OR sch LIKE 'pg\_%' OR sch = 'information_schema' THEN
    RETURN 0;
  END IF;

  -- Fields of the FerretDB btree indexes whose first column is `_jsonb -> 'field'`.
  SELECT coalesce(array_agg(DISTINCT replace(m[1], '''''', '''')), '{}') INTO fields
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_am am ON am.oid = ic.relam
  CROSS JOIN LATERAL regexp_match(pg_get_indexdef(i.indexrelid, 1, true),
                                  '^\(?_jsonb -> ''((?:[^'']|'''')*)''::text\)?$') AS m
  WHERE i.indrelid = tbl AND am.amname = 'btree' AND m IS NOT NULL;
  IF current_setting('dompet.fdb_gin', true) = 'off' THEN
    fields := '{}';
  END IF;

  FOREACH f IN ARRAY fields LOOP
    IF to_regclass(format('%I.%I', sch, public.dompet_fdb_gin_name(rel, f))) IS NULL THEN
      EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb -> %L) jsonb_path_ops) WITH (fastupdate = %s)',
                     public.dompet_fdb_gin_name(rel, f), sch, rel, f, fastupdate);
      created := created + 1;
    END IF;
  END LOOP;

  -- Companions made with the other `fastupdate` (see the top of this file): switch it, and merge
  -- the pending list they hold into the index.
  FOR idx IN
    SELECT ic.oid, ic.relname
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE i.indrelid = tbl AND am.amname = 'gin' AND ic.relname LIKE '%\_fdb\_gin'
      AND (fastupdate = 'off') <> coalesce('fastupdate=off' = ANY (ic.reloptions), false)
  LOOP
    EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = %s)', sch, idx.relname, fastupdate);
    PERFORM gin_clean_pending_list(idx.oid::regclass);
  END LOOP;

  -- Companions left behind by a dropped FerretDB index.
  FOR idx IN
    SELECT ic.relname
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE i.indrelid = tbl AND am.amname = 'gin' AND ic.relname LIKE '%\_fdb\_gin'
      AND NOT ic.relname = ANY (SELECT public.dompet_fdb_gin_name(rel, x) FROM unnest(fields) AS x)
  LOOP
    EXECUTE format('DROP INDEX IF EXISTS %I.%I', sch, idx.relname);
  END LOOP;
  RETURN created;
END
$$;

-- Event trigger: after FerretDB creates an index, sync that table. The trigger fires again for
-- the companions it creates itself; the transaction-local flag makes those nested calls no-ops
-- (and companions are gin, so they would be skipped anyway).
CREATE OR REPLACE FUNCTION public.dompet_fdb_gin_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  cmd record;
  tbl oid;
BEGIN
  IF current_setting('dompet.fdb_gin_busy', true) = 'on' THEN
    RETURN;
  END IF;
  PERFORM set_config('dompet.fdb_gin_busy', 'on', true);
  BEGIN
    FOR cmd IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE object_type = 'index' LOOP
      SELECT i.indrelid INTO tbl
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      WHERE i.indexrelid = cmd.objid AND am.amname = 'btree';
      IF tbl IS NOT NULL THEN
        PERFORM public.dompet_fdb_gin_sync(tbl);
      END IF;
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'dompet: GIN companion index not created: %', SQLERRM;
  END;
  PERFORM set_config('dompet.fdb_gin_busy', 'off', true);
END
$$;

-- Event trigger: after FerretDB drops an index, drop companions that lost their FerretDB index
-- (in the schemas concerned; a FerretDB database has a handful of tables). Dropping a companion
-- by hand is left alone (the next start's backfill creates it again).
CREATE OR REPLACE FUNCTION public.dompet_fdb_gin_on_drop() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  t oid;
BEGIN
  IF current_setting('dompet.fdb_gin_busy', true) = 'on' THEN
    RETURN;
  END IF;
  PERFORM set_config('dompet.fdb_gin_busy', 'on', true);
  BEGIN
    FOR t IN
      SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r'
        AND n.nspname IN (SELECT DISTINCT schema_name FROM pg_event_trigger_dropped_objects()
                          WHERE object_type = 'index' AND original AND object_name NOT LIKE '%\_fdb\_gin')
    LOOP
      PERFORM public.dompet_fdb_gin_sync(t);
    END LOOP;
  EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'dompet: GIN companion index not dropped: %', SQLERRM;
  END;
  PERFORM set_config('dompet.fdb_gin_busy', 'off', true);
END
$$;

DROP EVENT TRIGGER IF EXISTS dompet_fdb_gin_on_create;
CREATE EVENT TRIGGER dompet_fdb_gin_on_create ON ddl_command_end
  WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION public.dompet_fdb_gin_on_create();

DROP EVENT TRIGGER IF EXISTS dompet_fdb_gin_on_drop;
CREATE EVENT TRIGGER dompet_fdb_gin_on_drop ON sql_drop
  WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION public.dompet_fdb_gin_on_drop();

-- One-off backfill for tables created before the trigger existed (an older state folder).
SELECT count(*) FILTER (WHERE public.dompet_fdb_gin_sync(c.oid) > 0) AS tables_given_gin_indexes
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r' AND n.nspname NOT LIKE 'pg\_%' AND n.nspname <> 'information_schema'
  AND c.relname NOT LIKE '\_ferretdb\_%';
