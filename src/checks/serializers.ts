import type { SyntaxNode } from "@lezer/common";
import { callParts, defsIn, metaOf, type PythonFile, simpleAssignments } from "./python.js";
import { code } from "../comments/markdown.js";

/** A `SerializerMethodField` and what its method reads of the object it is given. */
export interface MethodField {
  field: string;
  /** `obj.customer.name`, `obj.items_set`: the attributes read through (candidate relations). */
  reads: string[];
  /** The method hands the whole object to other code, or could not be found: what it reads is unknown. */
  opaque: boolean;
}

export interface SerializerInfo {
  name: string;
  model?: string;
  /** Why a queryset serialised by it needs select_related/prefetch_related, if it does (method fields aside). */
  relatedReasons: string[];
  /** Its method fields: they need eager loading only when they read a relation. */
  methodFields: MethodField[];
}

/** What a DRF serializer class declares that reads relations of each row it renders. */
export function readSerializer(py: PythonFile, cls: SyntaxNode, name: string): SerializerInfo {
  const reasons: string[] = [];
  const methodFields: MethodField[] = [];
  let model: string | undefined;
  for (const { name: fieldName, value } of simpleAssignments(py, cls)) {
    if (value.name !== "CallExpression") continue;
    const parts = callParts(py, value);
    if (!parts) continue;
    // Input only: DRF never renders it, so it reads nothing of the rows a list returns.
    if (py.src(parts.keywords.get("write_only") ?? value) === "True") continue;
    if (/Serializer$/.test(parts.name) && parts.name !== "SerializerMethodField")
      reasons.push(`nested ${code(`${fieldName} = ${parts.name}(...)`)}`);
    if (parts.name === "SerializerMethodField") {
      const named = parts.keywords.get("method_name") ?? parts.positional[0];
      const method = named ? py.src(named).replace(/^["']|["']$/g, "") : `get_${fieldName}`;
      methodFields.push({ field: fieldName, ...readsOf(py, cls, method) });
    }
    const source = parts.keywords.get("source");
    if (source && /\./.test(py.src(source)))
      reasons.push(`${code(fieldName)} reads ${code(`source=${py.src(source)}`)}`);
    if (parts.name === "StringRelatedField" || parts.name === "SlugRelatedField")
      reasons.push(`${code(fieldName)} is a ${parts.name}`);
  }
  const meta = metaOf(py, cls);
  if (meta) {
    for (const { name: key, value } of simpleAssignments(py, meta)) {
      if (key === "model") model = py.src(value).split(".").pop();
      if (key === "depth" && py.src(value) !== "0") reasons.push(`\`depth = ${py.src(value)}\``);
    }
  }
  return { name, ...(model ? { model } : {}), relatedReasons: reasons, methodFields };
}

/** What the method `name` of `cls` reads through its object parameter (the first after `self`, or a static's first). */
function readsOf(py: PythonFile, cls: SyntaxNode, name: string): { reads: string[]; opaque: boolean } {
  // `@extend_schema_field(...)` and `@staticmethod` methods included
  const def = defsIn(cls.getChild("Body")).find((d) => py.src(d.getChild("VariableName") ?? d) === name);
  const params = def
    ?.getChild("ParamList")
    ?.getChildren("VariableName")
    .map((p) => py.src(p));
  const param = params?.[0] === "self" ? params[1] : params?.[0];
  if (!def || !param) return { reads: [], opaque: true };
  const body = py.src(def.getChild("Body") ?? def);
  const reads = [...body.matchAll(new RegExp(`\\b${param}\\.(\\w+)(?=\\.\\w)`, "g"))].map((m) => m[1] as string);
  // `helper(obj)`, `self.fmt(obj, x)`: the object goes where this method cannot follow it.
  const opaque = new RegExp(`\\w\\s*\\((?:[^()]*,\\s*)?${param}\\s*[,)]`).test(body);
  return { reads: [...new Set(reads)], opaque };
}

/**
 * The reasons a queryset serialised by `info` needs eager loading: its nested serializers, dotted sources and
 * related fields, and the method fields that read a relation of the model (any attribute read through, when
 * the model is not known) or hand the object to code the checks cannot see.
 */
export function serializerReasons(info: SerializerInfo, isRelation: (name: string) => boolean): string[] {
  const methodReasons = info.methodFields
    .filter((m) => m.opaque || m.reads.some(isRelation))
    .map((m) => `${code(m.field)} is a SerializerMethodField`);
  return [...info.relatedReasons, ...methodReasons];
}
