/**
 * `pre_save`/`post_save` receivers a file declares: `@receiver(post_save, sender=Order)`,
 * `@receiver((post_save, m2m_changed))`, `post_save.connect(handler, sender=Order)`. A receiver without a
 * sender runs for every model's `save()`. `bulk_create()`/`bulk_update()` send neither signal, so where
 * they are connected, row-by-row saves may be how the project keeps its audit log or caches right.
 */
export interface SaveReceivers {
  /** A receiver with no sender: every model's saves are observed. */
  all: boolean;
  /** Models whose saves a receiver observes (the class name, as the sender is written). */
  senders: string[];
}

const SAVE_SIGNAL = /\b(pre_save|post_save)\b/;
/** The argument text of `@receiver(...)` or `x_save.connect(...)`: one level of nested parentheses allowed. */
const RECEIVERS =
  /@receiver\(((?:[^()]|\([^()]*\)){0,600})\)|\b(?:pre|post)_save\.connect\(((?:[^()]|\([^()]*\)){0,600})\)/g;

export function saveReceivers(text: string): SaveReceivers {
  const found: SaveReceivers = { all: false, senders: [] };
  if (!SAVE_SIGNAL.test(text)) return found;
  for (const m of text.matchAll(RECEIVERS)) {
    const args = m[1] ?? m[2] ?? "";
    if (m[1] !== undefined && !SAVE_SIGNAL.test(args)) continue;
    const sender = /\bsender\s*=\s*([\w.]+)/.exec(args)?.[1];
    if (sender) found.senders.push(sender.split(".").pop() ?? sender);
    else found.all = true;
  }
  return found;
}
