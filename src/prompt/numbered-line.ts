/** A file's line as the model is shown it when it reads a file: its number, right-aligned, then the text. */
export function numberedLine(n: number, text: string): string {
  return `${String(n).padStart(5)}  ${text}`;
}
