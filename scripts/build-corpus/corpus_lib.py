"""Builds test/corpus/<case>/ from annotated sources.

Annotations at the end of a head line (stripped when written):
  #!+          line added by the change
  #!E:cat      expected finding of category cat (implies added unless '=' given)
  #!N          must_not_flag look-alike (implies added unless '=')
  #!O          optional
  #!=          unchanged line (overrides the implied '+')
For templates use {#!E:cat#} etc.
Lines in `removed` (base-only) are given separately as (after_head_line, text).
"""
import difflib, json, os, re, shutil

MARK = re.compile(r"\s*(?:#!|\{#!)([^#}]*)(?:#\})?\s*$")

def parse(head):
    lines, added, entries = [], set(), []
    for i, raw in enumerate(head.rstrip("\n").split("\n"), start=1):
        m = MARK.search(raw)
        if not m:
            lines.append(raw); continue
        spec, _, reason = m.group(1).partition(" -- ")
        flags = spec.split()
        text = raw[:m.start()]
        lines.append(text)
        unchanged = "=" in flags
        for f in flags:
            if f == "+": added.add(i)
            elif f.startswith("E:"): entries.append(("expected", i, f[2:], reason.strip()))
            elif f == "N": entries.append(("must_not_flag", i, None, reason.strip()))
            elif f == "O": entries.append(("optional", i, None, reason.strip()))
        if any(f.startswith(("E:", "N", "O")) for f in flags) and not unchanged:
            added.add(i)
    return lines, added, entries

def build(root, case_id, files, context=None, reasons=None):
    d = os.path.join(root, case_id)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    diff_parts, case = [], {"id": case_id, "files": [], "expected": [], "optional": [], "must_not_flag": []}
    for f in files:
        path, head, new = f["path"], f["head"], f.get("new", False)
        lines, added, entries = parse(head)
        if new:
            added = set(range(1, len(lines) + 1))
        base = [l for i, l in enumerate(lines, start=1) if i not in added]
        for after, text in f.get("removed", []):
            # insert base-only line after the base counterpart of head line `after`
            kept_before = len([i for i in range(1, after + 1) if i not in added])
            base.insert(kept_before, text)
        write(os.path.join(d, "head", path), "\n".join(lines) + "\n")
        case["files"].append(path)
        if new:
            body = list(difflib.unified_diff([], [l + "\n" for l in lines], "/dev/null", "b/" + path, n=3))
            header = [f"diff --git a/{path} b/{path}\n", "new file mode 100644\n", "index 0000000..1111111\n"]
        else:
            body = list(difflib.unified_diff([l + "\n" for l in base], [l + "\n" for l in lines], "a/" + path, "b/" + path, n=3))
            header = [f"diff --git a/{path} b/{path}\n", "index 1111111..2222222 100644\n"]
        diff_parts.append("".join(header + body))
        for kind, line, cat, reason in entries:
            entry = {"file": path, "lines": [line]}
            if cat: entry["category"] = cat
            entry["reason"] = reason or ("a look-alike that is fine" if kind == "must_not_flag" else "defensible")
            case[kind].append(entry)
    for path, text in (context or {}).items():
        write(os.path.join(d, "head", path), text.rstrip("\n") + "\n")
    write(os.path.join(d, "change.diff"), "".join(diff_parts))
    write(os.path.join(d, "case.json"), json.dumps(case, indent=2) + "\n")

def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as fh: fh.write(text)
