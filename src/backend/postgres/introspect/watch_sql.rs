//! The SQL behind `watch`: the schema change log of a scratch database's session, the
//! event triggers that fill it and the function that empties it and says what to read
//! again.

/// The log, its function and its triggers, made afresh (a database copied from one that
/// had them has the triggers without this session's log). `ENABLE ALWAYS`: a migration
/// that sets `session_replication_role = replica` to silence triggers still fires these.
/// Every function sets its own search path: a cached plan made under another path is
/// made again, and the functions are called both from steps (the session's path) and
/// from snapshots (the read's), which made every call plan everything again (3-4 ms a
/// call instead of under 1).
pub(crate) const INSTALL: &str = "\
BEGIN;
DROP EVENT TRIGGER IF EXISTS migrate_watch_ddl;
DROP EVENT TRIGGER IF EXISTS migrate_watch_drop;
CREATE TEMPORARY TABLE IF NOT EXISTS migrate_schema_changes (classid oid NOT NULL, objid oid NOT NULL,
    dropped bool NOT NULL);
TRUNCATE pg_temp.migrate_schema_changes;
-- What the log held when an undo window opened (see migrate_open_undo_window): changes
-- still to read, set aside so that the window is the whole log.
CREATE TEMPORARY TABLE IF NOT EXISTS migrate_schema_changes_before (classid oid NOT NULL,
    objid oid NOT NULL, dropped bool NOT NULL);
TRUNCATE pg_temp.migrate_schema_changes_before;
-- What a snapshot in one message reads (see batch): the schemas, set by the caller, and
-- the units the log names, set by migrate_read_schema_changes. With them, what that
-- function needs to tell a step that undid the one before it (see there): the highest
-- oid of the watched catalogs at the last snapshot and at the one before it, and whether
-- the step before the last snapshot only made or changed objects newer than the one
-- before.
-- An undo window's (see migrate_open_undo_window): the newest oid when it opened, and the
-- older tables its up alters with their print then.
CREATE TEMPORARY TABLE IF NOT EXISTS migrate_read_scope (schemas text[], relations oid[],
    sequences oid[], functions oid[], enums oid[], domains oid[], newest oid,
    newest_before oid, only_new bool NOT NULL DEFAULT false, window_newest oid,
    window_altered oid[] NOT NULL DEFAULT '{}', window_altered_print text);
TRUNCATE pg_temp.migrate_read_scope;
INSERT INTO pg_temp.migrate_read_scope DEFAULT VALUES;
-- As its owner: a migration that runs `SET ROLE` still logs into this session's table.
CREATE OR REPLACE FUNCTION pg_temp.migrate_log_schema_change() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    -- Another session's commands: it has no log, and only this one reads it.
    IF to_regclass('pg_temp.migrate_schema_changes') IS NULL THEN
        RETURN;
    END IF;
    IF TG_EVENT = 'sql_drop' THEN
        INSERT INTO pg_temp.migrate_schema_changes
        SELECT classid, objid, true FROM pg_event_trigger_dropped_objects();
    ELSE
        INSERT INTO pg_temp.migrate_schema_changes
        SELECT classid, objid, false FROM pg_event_trigger_ddl_commands() WHERE objid <> 0;
    END IF;
END
$$;
-- The catalogs whose objects the schema model is made of.
CREATE OR REPLACE FUNCTION pg_temp.migrate_watched_catalogs() RETURNS oid[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['pg_class'::regclass, 'pg_type'::regclass, 'pg_proc'::regclass,
        'pg_constraint'::regclass, 'pg_attrdef'::regclass, 'pg_trigger'::regclass,
        'pg_rewrite'::regclass]::oid[]
$$;
-- The highest oid of the watched catalogs: oids only grow, so nothing above it exists.
-- Not a TOAST table's (nor its index's): no part of the schema, it outlives the column
-- that made it, so a down that drops the up's only wide column leaves it.
-- PL/pgSQL, whose plan is made once a session: a SQL function's is made at every call.
CREATE OR REPLACE FUNCTION pg_temp.migrate_newest_watched_oid() RETURNS oid
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    RETURN GREATEST(
        (SELECT max(oid) FROM pg_class WHERE relnamespace <> 'pg_toast'::regnamespace),
        (SELECT max(oid) FROM pg_type),
        (SELECT max(oid) FROM pg_proc), (SELECT max(oid) FROM pg_constraint),
        (SELECT max(oid) FROM pg_attrdef), (SELECT max(oid) FROM pg_trigger),
        (SELECT max(oid) FROM pg_rewrite));
END
$$;
-- Empties the log and says, in one row: whether both triggers still stand, whether no
-- schema or extension changed (that is not followed to its dependents, everything in
-- it: the caller reads everything), the logged objects, and the units to read again:
-- those the logged objects that still exist are or belong to, and every unit depending
-- on them, transitively. Hash and merge joins read all of pg_depend at each step of the
-- walk; looking each object up by index costs what changed. The log is read into arrays
-- first: the walk's plan, made once, must not follow the log table's size (nothing
-- analyzes a temporary table, and a plan made for a long log is a bad one for a short).
-- Sequential scans stay allowed here, whatever the partial read's transaction set: the
-- log has no index, and without one the planner walks whole catalog indexes instead.
-- Its plans are generic, made once per session: custom plans, made again at every call
-- for the arrays of the moment, cost more than the walk itself (0.8 ms a call, not 0.3).
--
-- With may_undo (the caller kept the snapshot before the last one), it first asks whether
-- the step since the last snapshot undid the step before it, and then walks nothing and
-- says `undid`, the rest empty: the schema is that of the snapshot before the last.
-- That holds when the step before only made or changed objects newer than every object
-- of the watched catalogs at the snapshot before it (`only_new`, kept from the last
-- call), this step only dropped objects, all of them that new, and none that new is
-- left. Oids only grow, and only this session makes objects in a scratch database, so
-- what is older is what that snapshot read, untouched by either step; an oid counter
-- that wrapped around makes a new object look old, which only denies this. A logged
-- object outside the watched catalogs (a policy, an operator) denies it too.
CREATE OR REPLACE FUNCTION pg_temp.migrate_read_schema_changes(may_undo bool,
    OUT triggers_stand bool, OUT schemas_unchanged bool, OUT logged oid[],
    OUT relations oid[], OUT sequences oid[], OUT functions oid[], OUT enums oid[],
    OUT domains oid[], OUT gone_relations oid[], OUT gone_functions oid[],
    OUT gone_types oid[], OUT undid bool, OUT only_new bool)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_generic_plan
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_seqscan = on
AS $$
#variable_conflict use_column
DECLARE
    logged_classes oid[];
    logged_objects oid[];
    logged_drops bool[];
    watched CONSTANT oid[] := pg_temp.migrate_watched_catalogs();
    newest_last oid;
    newest_before_last oid;
    only_new_last bool;
    newest_now oid;
BEGIN
    WITH set_aside AS (
        DELETE FROM pg_temp.migrate_schema_changes_before RETURNING classid, objid, dropped
    ), emptied AS (
        DELETE FROM pg_temp.migrate_schema_changes RETURNING classid, objid, dropped
    ), logged AS (
        SELECT * FROM set_aside UNION ALL SELECT * FROM emptied
    )
    SELECT coalesce(array_agg(classid), '{}'), coalesce(array_agg(objid), '{}'),
           coalesce(array_agg(dropped), '{}')
    INTO logged_classes, logged_objects, logged_drops FROM logged;
    SELECT s.newest, s.newest_before, s.only_new
    INTO newest_last, newest_before_last, only_new_last FROM pg_temp.migrate_read_scope AS s;
    newest_now := pg_temp.migrate_newest_watched_oid();
    triggers_stand := (SELECT count(*) FROM pg_event_trigger
        WHERE evtname IN ('migrate_watch_ddl', 'migrate_watch_drop') AND evtenabled = 'A') = 2;
    undid := may_undo AND triggers_stand AND only_new_last AND newest_before_last IS NOT NULL
        AND NOT EXISTS (SELECT FROM unnest(logged_classes, logged_objects, logged_drops)
                        AS l (classid, objid, dropped)
                        WHERE NOT l.dropped OR l.objid <= newest_before_last
                           OR l.classid <> ALL (watched))
        AND newest_now <= newest_before_last;
    only_new := NOT undid AND newest_last IS NOT NULL
        AND NOT EXISTS (SELECT FROM unnest(logged_classes, logged_objects) AS l (classid, objid)
                        WHERE l.objid <= newest_last OR l.classid <> ALL (watched));
    UPDATE pg_temp.migrate_read_scope SET newest = newest_now, newest_before = newest_last,
        only_new = migrate_read_schema_changes.only_new;
    IF undid THEN
        schemas_unchanged := true;
        logged := '{}';
        relations := '{}';
        sequences := '{}';
        functions := '{}';
        enums := '{}';
        domains := '{}';
        gone_relations := '{}';
        gone_functions := '{}';
        gone_types := '{}';
        RETURN;
    END IF;
    WITH RECURSIVE logged_now (classid, objid) AS (
        SELECT * FROM unnest(logged_classes, logged_objects)
    ), touched (classid, objid) AS (
        SELECT classid, objid FROM logged_now
        WHERE classid NOT IN ('pg_namespace'::regclass, 'pg_extension'::regclass)
      UNION
        SELECT d.classid, d.objid FROM pg_depend AS d
        JOIN touched AS t ON d.refclassid = t.classid AND d.refobjid = t.objid
        WHERE d.deptype IN ('n', 'a', 'i', 'P', 'S')
    ), units (family, oid) AS (
        SELECT CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END, COALESCE(i.indrelid, c.oid)
        FROM touched AS t
        JOIN pg_class AS c ON t.classid = 'pg_class'::regclass AND c.oid = t.objid
        LEFT JOIN pg_index AS i ON i.indexrelid = c.oid
      UNION
        SELECT CASE WHEN co.conrelid <> 0 THEN 'r' ELSE 'd' END,
               CASE WHEN co.conrelid <> 0 THEN co.conrelid ELSE co.contypid END
        FROM touched AS t
        JOIN pg_constraint AS co ON t.classid = 'pg_constraint'::regclass AND co.oid = t.objid
      UNION
        -- Not a foreign key's own triggers on the table it references: they are no
        -- part of that table's model, which a new foreign key would read again whole.
        SELECT 'r', tg.tgrelid FROM touched AS t
        JOIN pg_trigger AS tg ON t.classid = 'pg_trigger'::regclass AND tg.oid = t.objid
        WHERE NOT tg.tgisinternal
      UNION
        SELECT 'r', ad.adrelid FROM touched AS t
        JOIN pg_attrdef AS ad ON t.classid = 'pg_attrdef'::regclass AND ad.oid = t.objid
      UNION
        SELECT 'r', rw.ev_class FROM touched AS t
        JOIN pg_rewrite AS rw ON t.classid = 'pg_rewrite'::regclass AND rw.oid = t.objid
      UNION
        SELECT CASE WHEN ty.typrelid <> 0 THEN 'r' ELSE ty.typtype::text END,
               CASE WHEN ty.typrelid <> 0 THEN ty.typrelid ELSE ty.oid END
        FROM touched AS t
        JOIN pg_type AS ty ON t.classid = 'pg_type'::regclass AND ty.oid = t.objid
        -- Row types, enums and domains: an array type's columns depend on it.
        WHERE ty.typrelid <> 0 OR ty.typtype IN ('e', 'd')
      UNION
        SELECT 'f', t.objid FROM touched AS t WHERE t.classid = 'pg_proc'::regclass
    )
    SELECT
        ARRAY(SELECT classid FROM logged_now WHERE classid IN
              ('pg_namespace'::regclass, 'pg_extension'::regclass)) = '{}',
        ARRAY(SELECT DISTINCT objid FROM logged_now),
        ARRAY(SELECT oid FROM units WHERE family = 'r'),
        ARRAY(SELECT oid FROM units WHERE family = 's'),
        ARRAY(SELECT oid FROM units WHERE family = 'f'),
        ARRAY(SELECT oid FROM units WHERE family = 'e'),
        ARRAY(SELECT oid FROM units WHERE family = 'd'),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_class'::regclass
              AND NOT EXISTS (SELECT FROM pg_class AS c WHERE c.oid = l.objid)),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_proc'::regclass
              AND NOT EXISTS (SELECT FROM pg_proc AS p WHERE p.oid = l.objid)),
        ARRAY(SELECT DISTINCT objid FROM logged_now AS l WHERE classid = 'pg_type'::regclass
              AND NOT EXISTS (SELECT FROM pg_type AS ty WHERE ty.oid = l.objid))
    INTO schemas_unchanged, logged, relations, sequences, functions, enums,
         domains, gone_relations, gone_functions, gone_types;
    UPDATE pg_temp.migrate_read_scope SET
        relations = migrate_read_schema_changes.relations,
        sequences = migrate_read_schema_changes.sequences,
        functions = migrate_read_schema_changes.functions,
        enums = migrate_read_schema_changes.enums,
        domains = migrate_read_schema_changes.domains;
END
$$;
-- An undo window, for verify's quick check of a revision (engine::verify_quick): opened
-- before its up, closed by its down, it says whether the two steps left every object as
-- it was, without reading the schema. Opening sets aside what the log holds (changes
-- still to read) and notes the newest watched oid; an up that alters older tables has
-- them noted next, with their print (migrate_note_altered). Closing says yes when both
-- triggers stand, every object the window logged is newer than that (made by the up) and
-- in the watched catalogs, or is a noted table, none that new is left, and the noted
-- tables print as they did: an older object changed, or one outside the catalogs, would
-- be logged, and a new one left would be found. Then the window's entries cancel out and
-- are forgotten. Oids only grow, and only this session makes objects in a scratch
-- database; an oid counter that wrapped around makes a new object look old, which only
-- says no.
CREATE OR REPLACE FUNCTION pg_temp.migrate_open_undo_window() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    WITH emptied AS (
        DELETE FROM pg_temp.migrate_schema_changes RETURNING classid, objid, dropped
    )
    INSERT INTO pg_temp.migrate_schema_changes_before SELECT * FROM emptied;
    UPDATE pg_temp.migrate_read_scope SET window_newest = pg_temp.migrate_newest_watched_oid(),
        window_altered = '{}', window_altered_print = NULL;
END
$$;
-- What tables print as: every catalog row a schema read renders of them (and more), with
-- their indexes' and owned sequences', so that a table that prints as it did reads as it
-- did. Not what changes with no change to the schema: the storage (relfilenode, a TOAST
-- table made for a new wide column), the statistics, the flags PostgreSQL clears lazily
-- (relhasindex), the column count (a dropped column is kept, hidden) and the dropped
-- columns themselves. Raw rows, so stricter than a read: a table changed and changed back
-- in other words may print otherwise, which only says no. Generic plans: planning its
-- statement for the arrays of each call (3 ms) costs ten times running it; and index
-- scans, which a generic plan, guessing ten tables, would trade for reading whole
-- catalogs.
CREATE OR REPLACE FUNCTION pg_temp.migrate_tables_print(tables oid[]) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off
SET enable_mergejoin = off AS $$
DECLARE
    parts oid[];
    owned oid[];
    types oid[];
BEGIN
    -- Arrays, not ORs of subqueries: an OR reads a whole catalog. One statement: each
    -- costs a round of the executor.
    SELECT tables
        || ARRAY(SELECT i.indexrelid FROM pg_index AS i WHERE i.indrelid = ANY (tables))
        || ARRAY(SELECT d.objid FROM pg_depend AS d JOIN pg_class AS c ON c.oid = d.objid
                 WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = ANY (tables)
                   AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
                   AND c.relnamespace <> 'pg_toast'::regnamespace),
        ARRAY(SELECT co.oid FROM pg_constraint AS co WHERE co.conrelid = ANY (tables))
        || ARRAY(SELECT tg.oid FROM pg_trigger AS tg WHERE tg.tgrelid = ANY (tables))
        || ARRAY(SELECT rw.oid FROM pg_rewrite AS rw WHERE rw.ev_class = ANY (tables))
        || ARRAY(SELECT po.oid FROM pg_policy AS po WHERE po.polrelid = ANY (tables)),
        ARRAY(SELECT c.reltype FROM pg_class AS c WHERE c.oid = ANY (tables))
        || ARRAY(SELECT ty.typarray FROM pg_class AS c JOIN pg_type AS ty ON ty.oid = c.reltype
                 WHERE c.oid = ANY (tables))
    INTO parts, owned, types;
    RETURN md5(concat_ws(E'\n', array_to_string(tables, ','),
        (SELECT string_agg(row(c.oid, c.relname, c.relnamespace, c.reltype, c.reloftype,
                c.relowner, c.relam, c.reltablespace, c.relpersistence, c.relkind, c.relchecks,
                c.relrowsecurity, c.relforcerowsecurity, c.relreplident, c.relispartition,
                c.relacl, c.reloptions, c.relpartbound)::text, ';' ORDER BY c.oid)
         FROM pg_class AS c WHERE c.oid = ANY (parts)),
        (SELECT string_agg(a::text, ';' ORDER BY a.attrelid, a.attnum) FROM pg_attribute AS a
         WHERE a.attrelid = ANY (parts) AND a.attnum > 0 AND NOT a.attisdropped),
        (SELECT string_agg(ad::text, ';' ORDER BY ad.oid) FROM pg_attrdef AS ad
         WHERE ad.adrelid = ANY (tables)),
        (SELECT string_agg(co::text, ';' ORDER BY co.oid) FROM pg_constraint AS co
         WHERE co.conrelid = ANY (tables)),
        (SELECT string_agg(i::text, ';' ORDER BY i.indexrelid) FROM pg_index AS i
         WHERE i.indrelid = ANY (tables)),
        (SELECT string_agg(tg::text, ';' ORDER BY tg.oid) FROM pg_trigger AS tg
         WHERE tg.tgrelid = ANY (tables)),
        (SELECT string_agg(rw::text, ';' ORDER BY rw.oid) FROM pg_rewrite AS rw
         WHERE rw.ev_class = ANY (tables)),
        (SELECT string_agg(po::text, ';' ORDER BY po.oid) FROM pg_policy AS po
         WHERE po.polrelid = ANY (tables)),
        (SELECT string_agg(ds::text, ';' ORDER BY ds.objoid, ds.classoid, ds.objsubid)
         FROM pg_description AS ds WHERE ds.objoid = ANY (parts || owned)),
        (SELECT string_agg(ih::text, ';' ORDER BY ih.inhrelid, ih.inhparent)
         FROM pg_inherits AS ih WHERE ih.inhrelid = ANY (tables)),
        (SELECT string_agg(ih::text, ';' ORDER BY ih.inhrelid, ih.inhparent)
         FROM pg_inherits AS ih WHERE ih.inhparent = ANY (tables)),
        (SELECT string_agg(ty::text, ';' ORDER BY ty.oid) FROM pg_type AS ty
         WHERE ty.oid = ANY (types)),
        (SELECT string_agg(sq::text, ';' ORDER BY sq.seqrelid) FROM pg_sequence AS sq
         WHERE sq.seqrelid = ANY (parts)),
        (SELECT string_agg(st::text, ';' ORDER BY st.oid) FROM pg_statistic_ext AS st
         WHERE st.stxrelid = ANY (tables)),
        (SELECT string_agg(pt::text, ';' ORDER BY pt.partrelid) FROM pg_partitioned_table AS pt
         WHERE pt.partrelid = ANY (tables))));
END
$$;
-- Notes the older tables an open window's up alters, and their print now: each named as
-- the up names it (its schema or null, its name), found as the up's statements will find
-- it, on the session's search path, which is why this function keeps the caller's path and
-- names everything in full. A name that finds nothing is the up's own new table, or one
-- its statement will fail on. With every table that inherits from one of them (a
-- partition, a child), at any depth: an ALTER TABLE reaches them, and logs only the table
-- it names.
CREATE OR REPLACE FUNCTION pg_temp.migrate_note_altered(schema_names text[], table_names text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    noted oid[];
BEGIN
    noted := ARRAY(WITH RECURSIVE tree (oid) AS (
            SELECT c.oid
            FROM ROWS FROM (pg_catalog.unnest(schema_names), pg_catalog.unnest(table_names))
                 AS a (schema_name, table_name)
            JOIN pg_catalog.pg_class AS c ON c.relname = a.table_name
            JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace
            WHERE CASE WHEN a.schema_name IS NULL THEN pg_catalog.pg_table_is_visible(c.oid)
                       ELSE n.nspname = a.schema_name END
          UNION
            SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i JOIN tree ON i.inhparent = tree.oid
        )
        SELECT oid FROM tree ORDER BY oid);
    UPDATE pg_temp.migrate_read_scope SET window_altered = noted,
        window_altered_print = pg_temp.migrate_tables_print(noted);
END
$$;
CREATE OR REPLACE FUNCTION pg_temp.migrate_close_undo_window(OUT migrate_undone bool)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_generic_plan SET enable_seqscan = on AS $$
DECLARE
    since oid;
    altered oid[];
    altered_print text;
    watched CONSTANT oid[] := pg_temp.migrate_watched_catalogs();
BEGIN
    SELECT s.window_newest, s.window_altered, s.window_altered_print
    INTO since, altered, altered_print FROM pg_temp.migrate_read_scope AS s;
    migrate_undone := since IS NOT NULL
        AND (SELECT count(*) FROM pg_event_trigger
             WHERE evtname IN ('migrate_watch_ddl', 'migrate_watch_drop') AND evtenabled = 'A') = 2
        AND pg_temp.migrate_newest_watched_oid() <= since
        AND NOT EXISTS (SELECT FROM pg_temp.migrate_schema_changes AS l
                        WHERE (l.objid <= since AND NOT (l.classid = 'pg_class'::regclass
                                                         AND l.objid = ANY (altered)))
                           OR l.classid <> ALL (watched))
        AND (altered = '{}' OR pg_temp.migrate_tables_print(altered) = altered_print);
    IF migrate_undone THEN
        DELETE FROM pg_temp.migrate_schema_changes;
    END IF;
    UPDATE pg_temp.migrate_read_scope SET window_newest = NULL, window_altered = '{}',
        window_altered_print = NULL;
END
$$;
CREATE EVENT TRIGGER migrate_watch_ddl ON ddl_command_end
    EXECUTE PROCEDURE pg_temp.migrate_log_schema_change();
CREATE EVENT TRIGGER migrate_watch_drop ON sql_drop
    EXECUTE PROCEDURE pg_temp.migrate_log_schema_change();
ALTER EVENT TRIGGER migrate_watch_ddl ENABLE ALWAYS;
ALTER EVENT TRIGGER migrate_watch_drop ENABLE ALWAYS;
COMMIT";
