/**
 * What must hold for a conditional finding to apply (`RuleHit.condition`) and is not known, or not so,
 * here: such findings go to the model as hints ("only if …") and are counted in the summary, never posted
 * alone. One entry per condition: the hint the model reads and the note the summary gives.
 */
export interface Condition {
  /** Completes "only if …" in the model's hint. */
  hint: string;
  /** The summary's note for `count` held-back findings. */
  note: (count: number) => string;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export const POSTGRES_UNKNOWN: Condition = {
  hint: "the project runs on PostgreSQL (its database is not known)",
  note: (n) =>
    `${plural(n, "PostgreSQL-only note")} not posted: the database is unknown ` +
    "(`project.database` in the config settles it).",
};

export const IN_BACKGROUND: Condition = {
  hint:
    "someone waits on this loop (it runs in a background task or a management command, where a query " +
    "per row costs throughput rather than a user's wait)",
  note: (n) =>
    `${plural(n, "query-per-row note")} on background code (tasks, commands) not posted: ` +
    "handed to the model to weigh.",
};

/**
 * A query per iteration multiplies with the loop's length, and only a loop over table rows grows with the
 * data. A loop over values the request, a form, a file or the code supplies (ids, typed names, parsed
 * records, generated codes) runs as often as the input is long: often a handful, sometimes an unbounded
 * upload, which the code does not say. On the real commits judged, every such finding was low value.
 */
export const SUPPLIED_VALUES: Condition = {
  hint:
    "the loop runs over many items (it walks values the request, a form, a file or the code supplies, not " +
    "rows of a table, so its length is the input's)",
  note: (n) =>
    `${plural(n, "query-per-item note")} on loops over supplied values (not table rows) not posted: ` +
    "handed to the model to weigh.",
};

/**
 * Index and lock advice (an unindexed filter or default ordering, an index built under a write lock) is right
 * only for a large table: on a small one the index costs more than it gives and builds in moments, and a
 * table read after a narrower indexed filter (a per-project list, a log read per space) or only by a one-off
 * command needs none. The code does not say how big a table grows; `project.large_tables` in the config does.
 */
export const TABLE_SIZE: Condition = {
  hint:
    "the table is large (an index pays, and building one under a lock blocks writes) and is read by this " +
    "column rather than after a narrower indexed filter or only by a one-off command",
  note: (n) =>
    `${plural(n, "index or lock note")} not posted: whether it matters depends on the table's size ` +
    "(`project.large_tables: true` in the config posts them).",
};

/**
 * Dropping or renaming a column breaks the code still serving while the migration runs, which only happens
 * where deploys overlap: a release phase or rolling update. A self-hosted app upgraded with the service
 * stopped, or a reusable app whose users' deploys are unknown, drops a column with the code that used it.
 */
export const DEPLOY_OVERLAP: Condition = {
  hint:
    "old code keeps serving while this migration runs (rolling deploys, or a release phase that migrates " +
    "before the new code is live) rather than the service being stopped to upgrade",
  note: (n) =>
    `${plural(n, "column or table drop or rename note")} not posted: they break only code still serving during the ` +
    "migration (`project.rolling_deploys: true` in the config posts them).",
};

/**
 * An `AlterField` restates the whole field, so `unique=True` in it may be a constraint the table has had since an
 * earlier migration (a catch-up migration recording validators, a verbose name, a shorter max_length). The checks
 * read the change, not the migration history: a constraint is known to be new only where the change's model
 * adds it.
 */
export const UNIQUE_BEFORE: Condition = {
  hint:
    "the column was not unique before this migration (earlier migrations are not read, and the change's models " +
    "do not add `unique=True` to it)",
  note: (n) =>
    `${plural(n, "unique-constraint note")} not posted: the change's models do not show that the constraint ` +
    "is new.",
};

/**
 * `fields = "__all__"` on a form or serializer the change writes exposes what its model has; whether that is a
 * hole depends on who writes through it (a staff admin form, a read-only detail serializer, a member API) and
 * what the model holds, which the code rarely says. On the real commits judged, every new one was a judgement
 * call; a change that widens an explicit list to `"__all__"`, or a model holding permissions, is posted.
 */
export const WRITERS_UNTRUSTED: Condition = {
  hint:
    "users who must not set every field of the model write through this form or serializer (it is not a " +
    "staff-only or read-only one), or the model will gain such fields",
  note: (n) =>
    `${plural(n, 'new `fields = "__all__"` note')} not posted: whether every field may be written depends on ` +
    "who writes through it; handed to the model to weigh.",
};

/**
 * `"{{ value }}"` inside a JavaScript string: Django's HTML escaping turns quotes and `<` into entities, so the value
 * can end neither the string nor the `<script>`; a backslash or a line break in text a user writes can still break
 * the script, which `json_script` or `|escapejs` avoid. On the real commits judged, every such value was an id, a
 * URL, a key or a setting, and none of those findings was wanted; a value printed outside a string is posted.
 */
export const SCRIPT_STRING_TEXT: Condition = {
  hint:
    "the value is text a user writes, which may hold a backslash or a line break (HTML escaping already keeps " +
    "quotes and tags out of the JavaScript string)",
  note: (n) =>
    `${plural(n, "template-variable-in-a-script-string note")} not posted: HTML escaping already keeps quotes and ` +
    "tags out of the string; handed to the model to weigh.",
};

const CONDITIONS = [
  POSTGRES_UNKNOWN,
  IN_BACKGROUND,
  SUPPLIED_VALUES,
  TABLE_SIZE,
  DEPLOY_OVERLAP,
  UNIQUE_BEFORE,
  WRITERS_UNTRUSTED,
  SCRIPT_STRING_TEXT,
];

/** The summary's notes for held-back findings, given each one's condition hint, in a fixed order. */
export function heldBackNotes(conditions: readonly string[]): string[] {
  return CONDITIONS.map((c) => [c, conditions.filter((h) => h === c.hint).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => c.note(n));
}

/** Index and lock advice holds as is where the config says the tables are large; otherwise it is a hint. */
export function unlessLargeTables(project: { facts: { largeTables?: boolean } }): { condition?: string } {
  return project.facts.largeTables ? {} : { condition: TABLE_SIZE.hint };
}

/** Drop and rename advice holds as is where deploys overlap (detected or said in config); otherwise it is a hint. */
export function unlessRollingDeploys(project: { facts: { rollingDeploys?: unknown } }): { condition?: string } {
  return project.facts.rollingDeploys ? {} : { condition: DEPLOY_OVERLAP.hint };
}
