import type { SyntaxNode } from "@lezer/common";
import { callParts, classBases, metaOf, type PythonFile, simpleAssignments } from "./python.js";
import type { ProjectFacts } from "./project-facts.js";
import {
  type QueryingFunction,
  type QueryingProperty,
  queryingFunctions,
  queryingMethods,
  queryingProperties,
} from "./model-queries.js";
import { isFieldClass, isModelBase } from "./model-classes.js";
import { saveReceivers } from "./save-signals.js";
import { readSerializer, type SerializerInfo } from "./serializers.js";
import {
  alteredRelations,
  attachedAttributes,
  defaultedFields,
  droppedReads,
  addedFields,
  EAGER,
  eagerLoads,
  prefetchedRelations,
  renamedClasses,
  renamedDefs,
} from "./change-facts.js";
import { type JobCallee, jobCallees } from "./background.js";
import { definitionEnd, definitionFrom, type SourceFile } from "./source.js";
import { either } from "../util/regex.js";

export interface FieldInfo {
  name: string;
  type: string;
  /** ForeignKey / OneToOneField: one query per access unless select_related. */
  forward: boolean;
  manyToMany: boolean;
  indexed: boolean;
  nullable: boolean;
  /** Defined on a line this change adds. */
  changed: boolean;
  /** A relation's `related_name`, when it is a plain name (not `+` or a `%(class)s` pattern). */
  relatedName?: string;
}

export interface ModelInfo {
  name: string;
  file: string;
  fields: Map<string, FieldInfo>;
  /** Fields named in Meta.indexes / index_together / unique_together / constraints. */
  metaIndexed: Set<string>;
  /** `@property`/`@cached_property` methods whose body queries: name -> what it queries. */
  queryingProperties: Map<string, QueryingProperty>;
  /** Plain methods that run a query, themselves or through another of the model's methods: name -> what. */
  queryingMethods: Map<string, string>;
}

export type { QueryingProperty, SerializerInfo };

/** Facts about the project gathered from every file the checks can see (changed and related). */
export class ProjectIndex {
  readonly models = new Map<string, ModelInfo>();
  readonly serializers = new Map<string, SerializerInfo>();
  readonly templates = new Map<string, string>();
  /** Field names that are a forward relation on at least one known model. */
  readonly relationNames = new Set<string>();
  /** Field names that are a many-valued relation on a known model (ManyToMany, GenericRelation, a tag manager). */
  readonly manyNames = new Set<string>();
  /**
   * Models Django does not manage (`Meta.managed = False`), lowercased as migrations name them: their tables are
   * someone else's (a legacy database, a view), and migrations on them only record state.
   */
  readonly unmanagedModels = new Set<string>();
  /**
   * Reverse managers named by `related_name`: name -> the model that declares the relation (its rows are what
   * `unit.conversions.all()` yields). A name two models declare is left out: it says nothing certain.
   */
  readonly reverseManagers = new Map<string, string | undefined>();
  /** `name = models.XField(` definitions this change deletes: field name -> field types it had. */
  readonly removedFieldTypes = new Map<string, Set<string>>();
  /**
   * Fields whose deleted definition was already `unique=True` (or the primary key), or whose one-field
   * `UniqueConstraint` the change deletes (the uniqueness moves onto the field: NetBox 5c6787756c).
   */
  readonly removedUniqueFields = new Set<string>();
  /**
   * Field names a model definition the change writes declares `unique=True` (or `primary_key=True`) on: the
   * change's own evidence that a migration's unique constraint is new.
   */
  readonly addedUniqueFields = new Set<string>();

  /**
   * Module-level functions of the files the checks read that run a query when called (a helper, a permission
   * check): name -> the query. A name two modules define as querying keeps the first; callers check the import.
   */
  readonly queryingFunctions = new Map<string, QueryingFunction>();

  /**
   * Relations the change's own Python loads with rows of a model (`Report.objects.select_related("project")`):
   * model -> relations, `*` for all. A template changed with the view that loads them is covered.
   */
  readonly loadedByChange = new Map<string, Set<string>>();
  /**
   * The lines the change writes in its Python files (moved ones too), joined: loading a refactor moves into another
   * module (`prefetch.py` building the lookups a viewset used to list) is still loaded.
   */
  writtenByChange = "";

  /**
   * Functions and methods this change renames in place (`def prefetch_latest_build` replaced by `def
   * annotate_has_successful_build` at the same spot): old name -> new name. A call renamed with them is kept.
   */
  readonly renamedFunctions = new Map<string, string>();
  /** The change's deleted template lines, whitespace removed: output a template moved elsewhere printed before. */
  private readonly removedTemplateText: string[] = [];

  /** Whether a template line the change deletes, in any template, holds `fragment` (whitespace aside). */
  templateRemoved(fragment: string): boolean {
    const squeezed = fragment.replace(/\s+/g, "");
    return this.removedTemplateText.some((line) => line.includes(squeezed));
  }

  /** Classes this change renames in place (`class DestinationConfigSerializer(` now `class Response...(`). */
  readonly renamedClasses = new Map<string, string>();

  /**
   * Relations the change's own Python prefetches: relation -> what their rows are loaded with (change-facts.ts
   * prefetchedRelations). `obj.refs.all()` reads those rows from the prefetch.
   */
  readonly prefetchedByChange = new Map<string, Set<string>>();

  /** Fields the change's migrations add or alter with a default: their existing rows get a value. */
  readonly defaultedByChange = new Set<string>();
  /** `model.field` columns the change's migrations add (change-facts.ts addedFields). */
  readonly addedByChange = new Set<string>();

  /** Relations the change's migrations alter (change-facts.ts alteredRelations): where they lead is being redrawn. */
  readonly alteredByChange = new Set<string>();

  /** Attributes the change stops reading: deleted reads, named nowhere it adds (change-facts.ts droppedReads). */
  readonly droppedReads: ReadonlySet<string>;

  /** Attributes the change's own Python attaches to objects (`report.changes_summary = ...`): not relations. */
  readonly attachedByChange = new Set<string>();

  /** The project functions and classes its background jobs call (a task's service): see background.ts. */
  readonly jobCallees: JobCallee[] = [];

  /** Models whose saves `pre_save`/`post_save` receivers observe; `all` when one observes every model. */
  readonly saveReceivers = { all: false, senders: new Set<string>() };

  /** The project's own field classes: name -> the class it extends and whether it forces `null=True`. */
  readonly fieldClasses = new Map<string, { base: string; forcesNull: boolean }>();

  constructor(
    files: SourceFile[],
    /** What the project runs on, detected from its files or set in config. */
    readonly facts: ProjectFacts = {},
    /** Every path the change touches (a model change looks for its migration among them). */
    readonly changedPaths: ReadonlySet<string> = new Set(),
  ) {
    this.droppedReads = droppedReads(files.filter((f) => changedPaths.has(f.path)));
    for (const file of files)
      if (file.kind === "python" && !file.isMigration && /class \w+\(.*(Field|Key)\)/.test(file.text))
        this.indexFieldClasses(file);
    for (const file of files) {
      file.removedLines.forEach((line, i) => {
        const m = REMOVED_FIELD.exec(line);
        if (!m) return;
        const name = m[1] as string;
        this.removedFieldTypes.set(name, new Set([...(this.removedFieldTypes.get(name) ?? []), m[2] as string]));
        // The definition's arguments may go on for a few lines: `unique=True` there counts.
        if (/\b(unique|primary_key)\s*=\s*True\b/.test(definitionFrom(file.removedLines, i, 8)))
          this.removedUniqueFields.add(name);
      });
      for (const name of removedUniqueConstraints(file.removedLines)) this.removedUniqueFields.add(name);
      if (file.kind === "python" && !file.isMigration && changedPaths.has(file.path)) this.readAddedUnique(file);
      if (file.kind === "template") this.templates.set(file.path, file.text);
      if (file.kind === "template" && changedPaths.has(file.path))
        for (const line of file.removedLines) this.removedTemplateText.push(line.replace(/\s+/g, ""));
      if (file.isMigration && changedPaths.has(file.path) && /default\s*=/.test(file.text))
        for (const name of defaultedFields(file.python)) this.defaultedByChange.add(name);
      if (file.isMigration && changedPaths.has(file.path) && /AddField/.test(file.text))
        for (const key of addedFields(file.python)) this.addedByChange.add(key);
      if (file.isMigration && changedPaths.has(file.path) && /AlterField/.test(file.text))
        for (const name of alteredRelations(file.python)) this.alteredByChange.add(name);
      if (file.kind !== "python" || file.isMigration) continue;
      this.jobCallees.push(...jobCallees(file));
      for (const [before, after] of renamedDefs(file)) this.renamedFunctions.set(before, after);
      for (const [before, after] of renamedClasses(file)) this.renamedClasses.set(before, after);
      if (changedPaths.has(file.path)) this.readChange(file);
      const receivers = saveReceivers(file.text);
      this.saveReceivers.all ||= receivers.all;
      for (const sender of receivers.senders) this.saveReceivers.senders.add(sender);
      if (QUERY_EVIDENCE.test(file.text) && /^(async )?def /m.test(file.text))
        for (const [name, query] of queryingFunctions(file.python))
          if (!this.queryingFunctions.has(name)) this.queryingFunctions.set(name, query);
      if (!/\b(models|serializers)\b|Serializer|Field\(/.test(file.text)) continue;
      for (const cls of file.python.nodes("ClassDefinition")) this.indexClass(file, cls);
    }
  }

  /** Field definitions with `unique=True` in which the change writes a line (see addedUniqueFields). */
  private readAddedUnique(file: SourceFile): void {
    file.lines.forEach((line, i) => {
      const m = REMOVED_FIELD.exec(line);
      if (!m) return;
      const end = definitionEnd(file.lines, i, 8);
      let written = false;
      for (let at = i; at <= end && !written; at++) written = file.isChanged(at + 1);
      if (written && /\b(unique|primary_key)\s*=\s*True\b/.test(definitionFrom(file.lines, i, 8)))
        this.addedUniqueFields.add(m[1] as string);
    });
  }

  /** What a changed file's own code does that rules of other files read: see change-facts.ts. */
  private readChange(file: SourceFile): void {
    for (const name of attachedAttributes(file.text)) this.attachedByChange.add(name);
    const written = file.lines.filter((_, i) => file.isChanged(i + 1) || file.writtenLines.has(i + 1));
    if (written.length > 0) this.writtenByChange += `${written.join("\n")}\n`;
    if (!EAGER.test(file.text)) return;
    for (const [relation, nested] of prefetchedRelations(file.python)) {
      const known = this.prefetchedByChange.get(relation) ?? new Set<string>();
      for (const name of nested) known.add(name);
      this.prefetchedByChange.set(relation, known);
    }
    for (const [model, relations] of eagerLoads(file.python)) {
      const known = this.loadedByChange.get(model) ?? new Set<string>();
      for (const relation of relations) known.add(relation);
      this.loadedByChange.set(model, known);
    }
  }

  /**
   * What a field class is underneath: Django's class it finally extends (`NullCharField` ->
   * `CharField`) and whether the project's subclass forces `null=True`.
   */
  resolveField(name: string): { type: string; forcesNull: boolean } {
    let type = name;
    let forcesNull = false;
    for (let hop = 0; hop < 5; hop++) {
      const own = this.fieldClasses.get(type);
      if (!own) break;
      forcesNull ||= own.forcesNull;
      type = own.base;
    }
    return { type, forcesNull };
  }

  private indexFieldClasses(file: SourceFile): void {
    const py = file.python;
    for (const cls of py.nodes("ClassDefinition")) {
      const name = py.src(cls.getChild("VariableName") ?? cls);
      const base = classBases(py, cls)
        .map((b) => b.split(".").pop() ?? b)
        .find((b) => /(Field|ForeignKey|Key)$/.test(b));
      if (!base || base === name) continue;
      const body = py.src(cls);
      const forcesNull = FORCES_NULL.test(body);
      this.fieldClasses.set(name, { base, forcesNull });
    }
  }

  model(name: string | undefined): ModelInfo | undefined {
    return name ? this.models.get(name) : undefined;
  }

  /**
   * Whether `attribute` of a row whose model the checks do not know can be a related manager: a reverse accessor
   * (`x_set`, a `related_name`) or a many-valued field of some known model. Evennia's `puppet.sessions` (a
   * typeclass's session handler) is none, so its `.all()` is no evidence of a query.
   */
  mayBeManager(attribute: string): boolean {
    return attribute.endsWith("_set") || this.reverseManagers.has(attribute) || this.manyNames.has(attribute);
  }

  /**
   * Whether reading `attribute` of a row of `modelName` may run a query: a relation, a reverse manager, a
   * property or method that queries. On a model the checks do not know, any attribute read through may be one.
   */
  isRelationOf(modelName: string | undefined, attribute: string): boolean {
    const model = this.model(modelName);
    if (!model) return true;
    const field = model.fields.get(attribute);
    if (field) return field.forward || field.manyToMany;
    return (
      attribute.endsWith("_set") ||
      this.reverseManagers.has(attribute) ||
      model.queryingProperties.has(attribute) ||
      model.queryingMethods.has(attribute)
    );
  }

  /**
   * Whether `name` can be a model's default reverse accessor (`comment_set` for a model `Comment`): the part
   * before `_set` names a known model. With no models known, any `_set` name may be one.
   */
  mayBeReverseAccessor(name: string): boolean {
    if (!name.endsWith("_set") || this.models.size === 0) return true;
    this.lowerModelNames ??= new Set([...this.models.keys()].map((known) => known.toLowerCase()));
    return this.lowerModelNames.has(name.slice(0, -"_set".length).replace(/_/g, ""));
  }

  private lowerModelNames: Set<string> | undefined;

  /** Whether any template the project shows sets a CSRF header for htmx globally. */
  get hasGlobalHtmxCsrf(): boolean {
    for (const text of this.templates.values()) if (HTMX_GLOBAL_CSRF.test(text)) return true;
    return false;
  }

  private indexClass(file: SourceFile, cls: SyntaxNode): void {
    const py = file.python;
    const nameNode = cls.getChild("VariableName");
    if (!nameNode) return;
    const name = py.src(nameNode);
    const bases = classBases(py, cls);
    if (bases.some((b) => /Serializer$/.test(b))) this.serializers.set(name, readSerializer(py, cls, name));
    else if (bases.some((b) => isModelBase(b, file.text))) {
      const meta = metaOf(py, cls);
      if (meta && /\bmanaged\s*=\s*False\b/.test(py.src(meta))) this.unmanagedModels.add(name.toLowerCase());
      const model = readModel(file, cls, name, this);
      if (model.fields.size > 0 || /models\.Model/.test(bases.join(","))) {
        this.models.set(name, model);
        for (const field of model.fields.values()) {
          if (field.forward) this.relationNames.add(field.name);
          if (field.manyToMany || /(Relation|Manager)$/.test(field.type)) this.manyNames.add(field.name);
          if (field.relatedName)
            this.reverseManagers.set(
              field.relatedName,
              this.reverseManagers.has(field.relatedName) ? undefined : model.name,
            );
        }
      }
    }
  }
}

/** A file that may define a function that queries (cheap test before parsing its functions). */
const QUERY_EVIDENCE = /\.objects\.|ObjectPermissionChecker|get_perms\(|_set\./;
const REMOVED_FIELD = /^\s*(\w+)\s*=\s*(?:models\.)?(\w*(?:Field|ForeignKey))\(/;
const HTMX_GLOBAL_CSRF = /hx-headers\s*=\s*['"][^'"]*X-CSRF|htmx:configRequest|csrfmiddlewaretoken|X-CSRFToken/i;
const FORWARD_RELATIONS = new Set(["ForeignKey", "OneToOneField", "ParentalKey", "TreeForeignKey"]);

function fieldType(py: PythonFile, value: SyntaxNode): string | undefined {
  if (value.name !== "CallExpression") return undefined;
  const parts = callParts(py, value);
  if (!parts) return undefined;
  return isFieldClass(parts.name) ? parts.name : undefined;
}

function relatedNameOf(py: PythonFile, node: SyntaxNode | undefined): { relatedName?: string } {
  const name = node ? /^["'](\w+)["']$/.exec(py.src(node))?.[1] : undefined;
  return name ? { relatedName: name } : {};
}

function isTrue(py: PythonFile, node: SyntaxNode | undefined): boolean {
  return node !== undefined && py.src(node) === "True";
}

function readModel(file: SourceFile, cls: SyntaxNode, name: string, project: ProjectIndex): ModelInfo {
  const py = file.python;
  const path = file.path;
  const fields = new Map<string, FieldInfo>();
  for (const { name: fieldName, value } of simpleAssignments(py, cls)) {
    const type = fieldType(py, value);
    if (!type) continue;
    const parts = callParts(py, value);
    const keywords = parts?.keywords ?? new Map();
    const resolved = project.resolveField(type);
    fields.set(fieldName, {
      name: fieldName,
      type: resolved.type,
      forward: FORWARD_RELATIONS.has(resolved.type),
      manyToMany: resolved.type === "ManyToManyField",
      indexed:
        FORWARD_RELATIONS.has(resolved.type) ||
        isTrue(py, keywords.get("db_index")) ||
        isTrue(py, keywords.get("unique")) ||
        isTrue(py, keywords.get("primary_key")),
      nullable: isTrue(py, keywords.get("null")) || resolved.forcesNull,
      changed: file.isChanged(py.lineOf(value)),
      ...relatedNameOf(py, keywords.get("related_name")),
    });
  }
  const metaIndexed = new Set<string>();
  const meta = metaOf(py, cls);
  if (meta) {
    for (const { name: key, value } of simpleAssignments(py, meta)) {
      if (!/^(indexes|index_together|unique_together|constraints)$/.test(key)) continue;
      for (const m of py.src(value).matchAll(/["']-?([A-Za-z_][A-Za-z0-9_]*)["']/g)) metaIndexed.add(m[1] as string);
    }
  }
  return {
    name,
    file: path,
    fields,
    metaIndexed,
    queryingProperties: queryingProperties(py, cls),
    queryingMethods: queryingMethods(
      py,
      cls,
      new Set([...fields.values()].filter((f) => f.manyToMany).map((f) => f.name)),
    ),
  };
}

/** A field subclass that sets `null=True` itself, however it writes it. */
const FORCES_NULL = either([
  /kwargs\[\s*["']null["']\s*\]\s*=\s*(?:kwargs\[\s*["']blank["']\s*\]\s*=\s*)?True/,
  /setdefault\(\s*["']null["']\s*,\s*True/,
  /super\(\)\.__init__\([^)]*\bnull\s*=\s*True/,
]);

/** The fields of one-field `UniqueConstraint(fields=("slug",), ...)` in deleted lines (a call may span several). */
function removedUniqueConstraints(removed: readonly string[]): string[] {
  if (!removed.some((line) => line.includes("UniqueConstraint"))) return [];
  const text = removed.join("\n");
  return [...text.matchAll(/\bUniqueConstraint\(\s*fields\s*=\s*[[(]\s*["'](\w+)["']\s*,?\s*[\])]/g)].map(
    (m) => m[1] as string,
  );
}
