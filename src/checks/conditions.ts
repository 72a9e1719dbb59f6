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
    "someone waits on this loop (it runs in a background task, a management command or a migration, where a query " +
    "per row costs throughput rather than a user's wait)",
  note: (n) =>
    `${plural(n, "query-per-row note")} on background code (tasks, commands, migrations) not posted: ` +
    "handed to the model to weigh.",
};

/**
 * Index advice (a filter or a default ordering on an unindexed column) is right only for a table that grows
 * large and is read without a narrower indexed filter: a per-project list of rules, a log always read per
 * space, a one-off backfill command. The code does not say which; the model, told the context, may.
 */
export const TABLE_SIZE: Condition = {
  hint:
    "the table grows large and is read by this column alone (not after a narrower indexed filter such as its " +
    "parent's foreign key, not in a one-off command)",
  note: (n) => `${plural(n, "index note")} not posted: whether an index pays depends on the table's size.`,
};

const CONDITIONS = [POSTGRES_UNKNOWN, IN_BACKGROUND, TABLE_SIZE];

/** The summary's notes for held-back findings, given each one's condition hint, in a fixed order. */
export function heldBackNotes(conditions: readonly string[]): string[] {
  return CONDITIONS.map((c) => [c, conditions.filter((h) => h === c.hint).length] as const)
    .filter(([, n]) => n > 0)
    .map(([c, n]) => c.note(n));
}
