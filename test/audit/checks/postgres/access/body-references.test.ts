import { describe, expect, it } from "vitest";
import {
  callsFunction,
  commandsOn,
  dynamicStatement,
  withoutComments,
} from "../../../../../lib/audit/checks/postgres/access/body-references.js";

describe("what a body does to a table", () => {
  it("reads each statement keyword before the name: INSERT, UPDATE, DELETE, TRUNCATE, MERGE, COPY", () => {
    expect(commandsOn("INSERT INTO ONLY delayed_jobs VALUES (1)", "public", "delayed_jobs")).toEqual(["INSERT"]);
    expect(commandsOn("UPDATE delayed_jobs SET run_at = now()", "public", "delayed_jobs")).toEqual(["UPDATE"]);
    expect(commandsOn("DELETE FROM ONLY public.delayed_jobs", "public", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn("TRUNCATE TABLE ONLY delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("TRUNCATE archive, other.stats , delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("MERGE INTO delayed_jobs d USING incoming i ON d.id = i.id", "public", "delayed_jobs")).toEqual([
      "INSERT",
      "UPDATE",
      "DELETE",
    ]);
    expect(commandsOn("COPY delayed_jobs FROM STDIN", "public", "delayed_jobs")).toEqual(["SELECT", "INSERT"]);
  });

  it("takes any whitespace and letter case between the keywords", () => {
    expect(commandsOn("delete\n  from\tdelayed_jobs", "public", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn("Insert  Into\npublic.delayed_jobs", "public", "delayed_jobs")).toEqual(["INSERT"]);
  });

  it("takes runs of whitespace between every keyword and the name", () => {
    expect(commandsOn("INSERT  INTO  delayed_jobs VALUES (1)", "public", "delayed_jobs")).toEqual(["INSERT"]);
    expect(commandsOn("INSERT INTO ONLY  delayed_jobs VALUES (1)", "public", "delayed_jobs")).toEqual(["INSERT"]);
    expect(commandsOn("UPDATE  delayed_jobs SET x = 1", "public", "delayed_jobs")).toEqual(["UPDATE"]);
    expect(commandsOn("UPDATE ONLY  delayed_jobs SET x = 1", "public", "delayed_jobs")).toEqual(["UPDATE"]);
    expect(commandsOn("DELETE FROM  delayed_jobs", "public", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn("DELETE FROM ONLY  delayed_jobs", "public", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn("TRUNCATE  delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("TRUNCATE TABLE  delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("TRUNCATE ONLY  delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    expect(commandsOn("TRUNCATE archive,  delayed_jobs", "public", "delayed_jobs")).toEqual(["TRUNCATE"]);
    const merged = ["INSERT", "UPDATE", "DELETE"];
    expect(commandsOn("MERGE  INTO delayed_jobs d USING i ON true", "public", "delayed_jobs")).toEqual(merged);
    expect(commandsOn("MERGE INTO  delayed_jobs d USING i ON true", "public", "delayed_jobs")).toEqual(merged);
    expect(commandsOn("MERGE INTO ONLY  delayed_jobs d USING i ON true", "public", "delayed_jobs")).toEqual(merged);
    expect(commandsOn("MERGE INTO ONLY delayed_jobs d USING i ON true", "public", "delayed_jobs")).toEqual(merged);
    expect(commandsOn("COPY  delayed_jobs FROM STDIN", "public", "delayed_jobs")).toEqual(["SELECT", "INSERT"]);
  });

  it("reads a name after a finished write statement as a read", () => {
    expect(commandsOn("TRUNCATE archive; SELECT * FROM delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
    expect(commandsOn("MERGE INTO archive a USING delayed_jobs d ON true", "public", "delayed_jobs")).toEqual(["SELECT"]);
    expect(commandsOn("COPY archive FROM STDIN; SELECT 1 FROM delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
  });

  it("lists every statement on the table once, in the canonical order", () => {
    const body =
      "DELETE FROM delayed_jobs; SELECT count(*) FROM delayed_jobs; INSERT INTO delayed_jobs VALUES (1); DELETE FROM delayed_jobs;";
    expect(commandsOn(body, "public", "delayed_jobs")).toEqual(["SELECT", "INSERT", "DELETE"]);
  });

  it("a mention that is not the target of a write is a read", () => {
    expect(commandsOn("UPDATE archive SET n = 1 FROM delayed_jobs WHERE true", "public", "delayed_jobs")).toEqual(["SELECT"]);
    expect(commandsOn("INSERT INTO archive SELECT * FROM delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
    expect(commandsOn("SELECT soft_delete FROM delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
    expect(commandsOn("SELECT last_update   delayed_jobs", "public", "delayed_jobs")).toEqual(["SELECT"]);
  });

  it("finds a write at the start of a long body", () => {
    const body = `DELETE FROM delayed_jobs WHERE run_at < now() - interval '7 days';\n${"-- keep the queue short\n".repeat(12)}RETURN;`;
    expect(body.length).toBeGreaterThan(250);
    expect(commandsOn(body, "public", "delayed_jobs")).toEqual(["DELETE"]);
  });

  it("matches a name that needs quotes only quoted, with its quotes doubled", () => {
    expect(commandsOn('DELETE FROM "Jobs"', "public", "Jobs")).toEqual(["DELETE"]);
    expect(commandsOn("DELETE FROM Jobs", "public", "Jobs")).toBeUndefined();
    expect(commandsOn("DELETE FROM jobs", "public", "Jobs")).toBeUndefined();
    expect(commandsOn('UPDATE "We""ird" SET x = 1', "public", 'We"ird')).toEqual(["UPDATE"]);
    expect(commandsOn('DELETE FROM "job.queue"', "public", "job.queue")).toEqual(["DELETE"]);
    expect(commandsOn('DELETE FROM "jobXqueue"', "public", "job.queue")).toBeUndefined();
  });

  it("matches a plain name unquoted in any case, digits and $ included, and a schema in any spelling", () => {
    expect(commandsOn("DELETE FROM JOBS$2", "public", "jobs$2")).toEqual(["DELETE"]);
    expect(commandsOn("DELETE FROM jobs2", "public", "jobs$2")).toBeUndefined();
    // Not all lower case: only the quoted spelling names it (unquoted, jobsX folds to jobsx).
    expect(commandsOn("DELETE FROM jobsX", "public", "jobsX")).toBeUndefined();
    expect(commandsOn('DELETE FROM "jobsX"', "public", "jobsX")).toEqual(["DELETE"]);
    expect(commandsOn('DELETE FROM "Ops".delayed_jobs', "Ops", "delayed_jobs")).toEqual(["DELETE"]);
    expect(commandsOn("DELETE FROM OPS.delayed_jobs", "ops", "delayed_jobs")).toEqual(["DELETE"]);
  });

  it("does not take a name inside another identifier", () => {
    expect(commandsOn("DELETE FROM $delayed_jobs", "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn("DELETE FROM old_delayed_jobs", "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn("DELETE FROM delayed_jobs$old", "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn('DELETE FROM delayed_jobs"', "public", "delayed_jobs")).toBeUndefined();
    expect(commandsOn("DELETE FROM x.public.delayed_jobs", "public", "delayed_jobs")).toBeUndefined();
  });

  it("leaves out the statements on ONLY the table when asked what reaches its partitions and children", () => {
    const body = "UPDATE ONLY public.events SET v = 1; DELETE FROM public.events";
    expect(commandsOn(body, "public", "events")).toEqual(["UPDATE", "DELETE"]);
    expect(commandsOn(body, "public", "events", body.toLowerCase(), true)).toEqual(["DELETE"]);
    expect(commandsOn("update only events set v = 1", "public", "events", undefined, true)).toBeUndefined();
  });

  it("says nothing for a body that never names the table", () => {
    expect(commandsOn("DELETE FROM archive", "public", "delayed_jobs")).toBeUndefined();
  });
});

describe("whether a body calls a function", () => {
  it("finds a call in any spelling, qualified or not, with space before the parenthesis", () => {
    expect(callsFunction("PERFORM purge(1);", "public", "purge")).toBe(true);
    expect(callsFunction("SELECT PUBLIC.PURGE (1)", "public", "purge")).toBe(true);
    expect(callsFunction('CALL "public" . "purge"()', "public", "purge")).toBe(true);
    expect(callsFunction('PERFORM "Re""queue"(1)', "public", 'Re"queue')).toBe(true);
  });

  it("does not take a mention without a call, another name, or another schema's function", () => {
    expect(callsFunction("-- purge is done elsewhere", "public", "purge")).toBe(false);
    expect(callsFunction("PERFORM purge_old()", "public", "purge")).toBe(false);
    expect(callsFunction("PERFORM ops.purge()", "public", "purge")).toBe(false);
    expect(callsFunction("PERFORM archive()", "public", "purge")).toBe(false);
  });

  it("needs the schema when an unqualified name cannot resolve to it", () => {
    expect(callsFunction("PERFORM purge()", "ops", "purge", true)).toBe(false);
    expect(callsFunction("PERFORM ops.purge()", "ops", "purge", true)).toBe(true);
  });
});

describe("SQL built at run time", () => {
  it("is not a constant statement, with or without INTO or USING, in any quoting", () => {
    expect(dynamicStatement("BEGIN EXECUTE 'DELETE FROM archive'; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN EXECUTE 'SELECT count(*) FROM archive' INTO n; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN EXECUTE 'DELETE FROM archive WHERE id = $1' USING id; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN EXECUTE E'DELETE FROM it''s'; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN EXECUTE $q$DELETE FROM archive$q$; END")).toBeUndefined();
    expect(dynamicStatement("EXECUTE 'VACUUM'")).toBeUndefined();
  });

  it("reads INTO, USING and format in any letter case", () => {
    expect(dynamicStatement("begin execute 'select count(*) from archive' into n; end")).toBeUndefined();
    expect(dynamicStatement("begin execute 'delete from archive where id = $1' using id; end")).toBeUndefined();
    expect(dynamicStatement("begin execute Format('delete from archive where id = %L', id); end")).toBeUndefined();
  });

  it("is not format() whose template only binds values (%L)", () => {
    expect(dynamicStatement("BEGIN EXECUTE format('DELETE FROM archive WHERE id = %L', id); END")).toBeUndefined();
    expect(dynamicStatement("BEGIN EXECUTE format( 'DELETE FROM archive' ); END")).toBeUndefined();
  });

  it("is format() inserting names or text (%I, %s, %1$I, %-10s), a concatenation, or a variable", () => {
    expect(dynamicStatement("BEGIN EXECUTE format('DELETE FROM %I', t); END")).toBe("EXECUTE format('DELETE FROM %I', t); END");
    expect(dynamicStatement("BEGIN EXECUTE format('DELETE FROM %s', t); END")).toBe("EXECUTE format('DELETE FROM %s', t); END");
    expect(dynamicStatement("EXECUTE format('DELETE FROM %1$I', t)")).toBe("EXECUTE format('DELETE FROM %1$I', t)");
    expect(dynamicStatement("EXECUTE format('DELETE FROM %-10s', t)")).toBe("EXECUTE format('DELETE FROM %-10s', t)");
    expect(dynamicStatement("EXECUTE format('%L %L %L %L %L %L %L %L %L %L; DELETE FROM %11$I', a)")).toBe(
      "EXECUTE format('%L %L %L %L %L %L %L %L %L %L; DELETE FROM %11$I', a)",
    );
    expect(dynamicStatement("BEGIN EXECUTE q;\n")).toBe("EXECUTE q;");
    expect(dynamicStatement("BEGIN EXECUTE 'DELETE FROM ' || t; END")).toBe("EXECUTE 'DELETE FROM ' || t; END");
    expect(dynamicStatement("BEGIN\n  EXECUTE\n    stmt;\nEND")).toBe("EXECUTE stmt; END");
  });

  it("shows a statement of exactly 80 characters whole", () => {
    const body = `EXECUTE ${"q".repeat(71)};`;
    expect(body).toHaveLength(80);
    expect(dynamicStatement(body)).toBe(body);
  });

  it("shows the statement's first 80 characters, marked when cut", () => {
    const body = `BEGIN EXECUTE stmt || ${"'x' || ".repeat(20)}'y'; END`;
    const shown = dynamicStatement(body);
    expect(shown).toBe(`${body.slice(6, 86)}…`);
  });

  it("is not EXECUTE as a privilege or in CREATE TRIGGER", () => {
    expect(dynamicStatement("BEGIN GRANT EXECUTE ON FUNCTION f() TO x; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN REVOKE ALL EXECUTE, USAGE FROM x; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN GRANT EXECUTE, USAGE TO x; END")).toBeUndefined();
    expect(dynamicStatement("CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE FUNCTION f()")).toBeUndefined();
    expect(dynamicStatement("CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE PROCEDURE f()")).toBeUndefined();
  });

  it("reads EXECUTE after GRANT or REVOKE as the privilege even when a comment or spaces follow, and only right after it", () => {
    expect(dynamicStatement("BEGIN GRANT  EXECUTE /* the app */ ON FUNCTION f() TO app; END")).toBeUndefined();
    expect(dynamicStatement("BEGIN REVOKE ALL  EXECUTE /* x */ ON FUNCTION f() FROM app; END")).toBeUndefined();
    expect(dynamicStatement("CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW EXECUTE  FUNCTION f()")).toBeUndefined();
    expect(dynamicStatement("BEGIN GRANT SELECT ON t TO x; EXECUTE q; END")).toBe("EXECUTE q; END");
  });

  it("finds the dynamic statement after constant ones", () => {
    expect(dynamicStatement("BEGIN EXECUTE 'SELECT 1'; EXECUTE q; END")).toBe("EXECUTE q; END");
  });
});

describe("comments name nothing", () => {
  it("blanks line and block comments, nested ones too, keeping the text's length and lines", () => {
    const body = "BEGIN\n  -- formerly PERFORM x.old();\n  /* outer /* inner x.old() */ still x.old() */ PERFORM x.new();\nEND";
    const code = withoutComments(body);
    expect(code).toHaveLength(body.length);
    expect(code.split("\n")).toHaveLength(4);
    expect(callsFunction(code, "x", "old")).toBe(false);
    expect(callsFunction(code, "x", "new")).toBe(true);
  });

  it("keeps strings, quoted names and dollar quotes whole, comment markers in them included", () => {
    for (const body of [
      "EXECUTE 'SELECT x.old() -- not a comment here'",
      "EXECUTE E'it\\'s -- still a string: ' || x.old()",
      'SELECT "odd--name", x.old()',
      "EXECUTE $q$ /* a string */ SELECT x.old() $q$",
      "EXECUTE $$ -- $$ || 'x' ; PERFORM x.old()",
    ])
      expect(withoutComments(body)).toBe(body);
    // Where standard_conforming_strings decides where a string ends, no comment is trusted.
    const ambiguous = "SELECT 'a\\' -- '; PERFORM x.evil();";
    expect(withoutComments(ambiguous)).toBe(ambiguous);
    expect(callsFunction(withoutComments(ambiguous), "x", "evil")).toBe(true);
    // A carriage return ends a line comment, as PostgreSQL's lexer has it (found live by a review).
    expect(callsFunction(withoutComments("BEGIN -- note\r PERFORM x.cr_callee();\nEND"), "x", "cr_callee")).toBe(true);
    // After a non-ASCII letter `$` continues an identifier: é$x$ opens no quote (found live by a review).
    const dollars = "DECLARE é$x$ text; BEGIN RAISE NOTICE '%', $x$ /* $x$; PERFORM x.dq_callee(); RAISE NOTICE '*/'; END";
    expect(callsFunction(withoutComments(dollars), "x", "dq_callee")).toBe(true);
    // A parameter or a name with $ in it starts no dollar quote.
    expect(withoutComments("SELECT $1, a$b -- x.old()")).toBe(`SELECT $1, a$b ${" ".repeat(10)}`);
  });
});

describe("an upsert", () => {
  it("INSERT … ON CONFLICT … DO UPDATE updates the row it conflicts with (found live by a review); DO NOTHING does not", () => {
    expect(
      commandsOn("INSERT INTO public.counters VALUES (k, 1) ON CONFLICT (k) DO UPDATE SET n = excluded.n + 1", "public", "counters"),
    ).toEqual(["INSERT", "UPDATE"]);
    expect(
      commandsOn("INSERT INTO public.counters VALUES (k, 1) ON CONFLICT DO NOTHING; UPDATE other SET a = 1", "public", "counters"),
    ).toEqual(["INSERT"]);
  });
});
