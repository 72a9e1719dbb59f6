import type { Rule } from "../../types.js";
import { addNotNullField, dropColumnOrTable, renameOperation, alterFieldRisk } from "./columns.js";
import { runPythonWithoutReverse, runSqlWithoutReverse } from "./reversibility.js";
import { indexNotConcurrent, atomicMisuse } from "./indexes.js";
import { directModelImport } from "./imports.js";
import { rawSqlRules } from "./raw-sql.js";

export const migrationRules: Rule[] = [
  addNotNullField,
  runPythonWithoutReverse,
  runSqlWithoutReverse,
  dropColumnOrTable,
  renameOperation,
  alterFieldRisk,
  indexNotConcurrent,
  atomicMisuse,
  directModelImport,
  ...rawSqlRules,
];
