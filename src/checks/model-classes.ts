import { importsFrom } from "./python.js";

/**
 * What makes a class a Django model and a call a Django field, in one place: the project index and the
 * model rules read classes alike. Names alone mislead: pydantic's `BaseModel` and `Field` (healthchecks
 * keeps its integrations' settings as pydantic models beside its Django models) are neither.
 */
const MODEL_BASE = /(^|\.)(Model|[A-Za-z]*Model|AbstractUser|AbstractBaseUser)$/;

/** Whether a class base (as written) makes a Django model in a file with this text. */
export function isModelBase(base: string, fileText: string): boolean {
  if (!MODEL_BASE.test(base)) return false;
  if (base === "pydantic.BaseModel") return false;
  // A project's own abstract `BaseModel(models.Model)` is a model base; pydantic's, imported by name, is not.
  return !(base === "BaseModel" && importsFrom(fileText, "pydantic", "BaseModel"));
}

/** Whether a called class name is a Django field: `CharField`, `ForeignKey`, a project's `NullCharField`. */
export function isFieldClass(name: string): boolean {
  // A bare `Field(...)` is pydantic's, attrs' or a serializer's: Django's abstract `Field` is never declared.
  return name !== "Field" && /(Field|ForeignKey|Key)$/.test(name);
}
