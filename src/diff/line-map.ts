import type { Side } from "../vocabulary.js";
import type { DiffFile } from "./types.js";

interface FileAnchors {
  /** new-side line -> hunk index (added and context lines) */
  right: Map<number, number>;
  /** old-side line -> hunk index (deleted and context lines) */
  left: Map<number, number>;
  /** new-side lines that the PR adds */
  added: Set<number>;
}

/** For every path, which lines GitHub accepts a review comment on, and in which hunk each lies. */
export class LineMap {
  private readonly files = new Map<string, FileAnchors>();

  constructor(diffFiles: DiffFile[]) {
    for (const file of diffFiles) {
      if (file.hunks.length === 0) continue;
      const anchors: FileAnchors = { right: new Map(), left: new Map(), added: new Set() };
      file.hunks.forEach((hunk, index) => {
        for (const line of hunk.lines) {
          if (line.newLine !== undefined) anchors.right.set(line.newLine, index);
          if (line.oldLine !== undefined) anchors.left.set(line.oldLine, index);
          if (line.kind === "add" && line.newLine !== undefined) anchors.added.add(line.newLine);
        }
      });
      this.files.set(file.path, anchors);
    }
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  /** The hunk index of a commentable line, or undefined when GitHub would reject a comment there. */
  hunkOf(path: string, side: Side, line: number): number | undefined {
    const anchors = this.files.get(path);
    if (!anchors) return undefined;
    return (side === "RIGHT" ? anchors.right : anchors.left).get(line);
  }

  isAdded(path: string, line: number): boolean {
    return this.files.get(path)?.added.has(line) ?? false;
  }

  /**
   * The commentable line closest to `line` on the same side, within `maxDistance`.
   * Ties go to the line below, where the code a comment describes usually continues.
   */
  nearest(path: string, side: Side, line: number, maxDistance: number): number | undefined {
    if (this.hunkOf(path, side, line) !== undefined) return line;
    for (let distance = 1; distance <= maxDistance; distance++) {
      if (this.hunkOf(path, side, line + distance) !== undefined) return line + distance;
      if (line - distance > 0 && this.hunkOf(path, side, line - distance) !== undefined) return line - distance;
    }
    return undefined;
  }
}
