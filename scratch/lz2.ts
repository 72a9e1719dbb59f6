import { parser } from "@lezer/python";
const src = process.argv[2] ?? "";
const tree = parser.parse(src);
const c = tree.cursor();
let depth = 0;
function walk() {
  do {
    const text = src.slice(c.from, c.to).split("\n")[0].slice(0, 50);
    console.log("  ".repeat(depth) + c.name + "  " + JSON.stringify(text));
    if (c.firstChild()) { depth++; walk(); depth--; c.parent(); }
  } while (c.nextSibling());
}
walk();
